/**
 * Fills the first-run demo project with labelled recordings made by the simulated board, so the
 * app shows something real at once. UI module (uses the core generator and store).
 */
import type { StudioStore } from '../../data/store/studio-store.ts';
import { makeDemoDataset } from '../../device/sim/demo-dataset.ts';

export async function seedDemoProject(store: StudioStore, projectId: string): Promise<void> {
  const recs = makeDemoDataset({ seed: 7, perLabel: 10, durationMs: 2000, rateHz: 62.5 });
  await store.addSamples(projectId, recs);
}
