/**
 * The Test step's scoring: runs the chosen model over the project's test samples in the ML worker
 * and keeps the result (or the error) in `$state`; the Test step component only shows it. A newer
 * request wins over one still running. UI module.
 */
import { StudioError } from '../../core/errors.ts';
import type { TestData } from '../../workers/ml-api.ts';
import { trainWorker } from '../../workers/ml-client.ts';

class TestResults {
  data = $state.raw<TestData | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  private seq = 0;

  /** Scores model `modelId` of project `projectId` on its test samples. */
  async score(projectId: string, modelId: string): Promise<void> {
    const seq = ++this.seq;
    this.loading = true;
    this.error = null;
    try {
      const d = await (await trainWorker()).test(projectId, modelId);
      if (seq !== this.seq) return;
      this.data = d;
    } catch (e) {
      if (seq !== this.seq) return;
      this.data = null;
      this.error = e instanceof StudioError ? e.describe() : e instanceof Error ? e.message : String(e);
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }

  /** No model or project: nothing to show (a running request is dropped). */
  clear(): void {
    this.seq++;
    this.data = null;
    this.loading = false;
    this.error = null;
  }
}

export const testResults = new TestResults();
