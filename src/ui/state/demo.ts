/**
 * Fills the first-run demo project with labelled recordings made by the simulated board, so the
 * app shows something real at once. UI module (uses the core generator and store).
 */
import type { StudioStore } from '../../data/store/studio-store.ts';
import { makeDemoDataset } from '../../device/sim/demo-dataset.ts';

export async function seedDemoProject(store: StudioStore, projectId: string): Promise<void> {
  // 4 s recordings give five 2 s windows each: enough windows per label for a model that generalises to
  // the simulated person acting live on the Device step.
  const recs = makeDemoDataset({ seed: 7, perLabel: 10, durationMs: 4000, rateHz: 62.5 });
  await store.addSamples(projectId, recs);
}
