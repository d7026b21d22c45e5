/**
 * Fills the first-run demo project with labelled recordings made by the simulated board, so the
 * app shows something real at once. UI module (uses the core generator and store).
 */
import type { StudioStore } from '../../data/store/studio-store.ts';
import { makeDemoDataset } from '../../device/sim/demo-dataset.ts';

/** Seconds between two demo recordings' timestamps (as makeDemoDataset spaces them). */
const SPACING_MS = 5000;

export async function seedDemoProject(store: StudioStore, projectId: string, now = Date.now()): Promise<void> {
  // 4 s recordings give five 2 s windows each: enough windows per label for a model that generalises to
  // the simulated person acting live on the Device step.
  const perLabel = 10;
  const labels = 4;
  // Timestamps end now (none in the future), so the person's own recordings sort after the demo's.
  const startTime = now - (perLabel * labels - 1) * SPACING_MS;
  const recs = makeDemoDataset({ seed: 7, perLabel, durationMs: 4000, rateHz: 62.5, startTime });
  await store.addSamples(projectId, recs);
}
