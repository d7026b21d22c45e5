/**
 * What the simulated person acts out by default, chosen from a project's labels: the gestures the
 * project has recorded (so a demo never shows gestures its model cannot know), and which of the
 * acted activities a given model never learned. DOM-free core module (UI-facing defaults).
 */
import { GESTURES, isActivityName, type ActivityName } from './activities.ts';
import type { PerformerOptions } from './performer.ts';

/** The performer's default gestures when a project has none the simulator can act. */
export const DEFAULT_PERFORMANCE: readonly ActivityName[] = ['wave', 'circle', 'shake', 'updown'];

export interface PerformancePlan {
  /** Gestures acted in turn. */
  gestures: ActivityName[];
  /** Activity between gestures. */
  between: ActivityName;
  /** True when the project's labels chose the gestures. */
  fromProject: boolean;
}

export function performancePlan(labels: readonly string[]): PerformancePlan {
  const acts = labels.filter(isActivityName);
  const gestures = acts.filter((l) => (GESTURES as readonly string[]).includes(l));
  const between: ActivityName = acts.includes('idle') || !acts.includes('rest') ? 'idle' : 'rest';
  if (gestures.length === 0) return { gestures: [...DEFAULT_PERFORMANCE], between, fromProject: false };
  return { gestures, between, fromProject: true };
}

export function performerOptions(plan: PerformancePlan): PerformerOptions {
  return { gestures: plan.gestures, between: plan.between };
}

/** Activities the plan acts out that are not among `known` (a model's classes or a project's labels). */
export function unlearned(plan: PerformancePlan, known: readonly string[]): ActivityName[] {
  return [...new Set([plan.between, ...plan.gestures])].filter((a) => !known.includes(a));
}
