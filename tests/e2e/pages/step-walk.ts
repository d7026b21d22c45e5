/**
 * The walk through all six steps that the accessibility and layout specs share: open the demo project
 * (trained once, so Test and Deploy show their matrices and tables, and exported on Deploy) or a new
 * empty one, at a given viewport, and hand each step to a check once its guide line shows.
 */
import { expect, type Page } from '@playwright/test';
import { StudioPage } from './studio-page.ts';

export const STEPS = ['device', 'data', 'impulse', 'train', 'test', 'deploy'] as const;
export type StepName = (typeof STEPS)[number];

export const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
] as const;
export type ViewSize = (typeof SIZES)[number];

export type WalkProject = 'demo' | 'empty';

export async function walkAllSteps(page: Page, project: WalkProject, size: ViewSize, check: (step: StepName) => Promise<void>): Promise<void> {
  await page.setViewportSize({ width: size.width, height: size.height });
  const s = new StudioPage(page);
  await s.open({ demo: project === 'demo' });
  if (project === 'empty') await s.newProject('Empty');
  else {
    await s.step('train');
    await page.getByTestId('train-start').click();
    await expect(page.getByTestId('model-row')).toHaveCount(1, { timeout: 90_000 });
  }
  for (const step of STEPS) {
    await s.step(step);
    if (step === 'deploy' && project === 'demo') {
      await page.getByTestId('deploy-export').click();
      await expect(page.getByTestId('export-result')).toBeVisible({ timeout: 60_000 });
    }
    await expect(page.getByTestId('step-guide')).toHaveAttribute('data-step', step);
    await check(step);
  }
}
