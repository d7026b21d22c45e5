/**
 * The simulated board's controls, shared by the Device and Test steps: what the simulated person
 * acts out (all the project's gestures in turn, or one), the rate and the firmware it speaks. Picking
 * one gesture also sets the recording label to it, so a wave is not recorded as "idle". UI module.
 */
import { performancePlan, performerOptions, unlearned } from '../../device/sim/performance-plan.ts';
import type { ActivityName } from '../../device/sim/activities.ts';
import { connection, device } from './device.svelte.ts';
import { live } from './live.svelte.ts';
import { notices } from './notices.svelte.ts';
import { recording } from './recording.svelte.ts';
import { studio } from './studio.svelte.ts';

class SimControlsState {
  performing = $state(true);
  rate = $state(62.5);
  mode = $state<'csv' | 'framed'>('csv');
  activity = $state<ActivityName>('idle');

  /** What "Perform all" acts out for this project. */
  plan = $derived(performancePlan(studio.labels));
  /** The classes the running model knows, else the project's labels. */
  known = $derived(live.running ? live.labels : studio.labels);
  /** Activities "Perform all" acts that the model (or project) never learned. */
  notLearned = $derived(unlearned(this.plan, this.known));

  constructor() {
    // Another project's gestures: the simulated person follows them.
    studio.onProjectChange(() => {
      if (this.performing && device.sim) device.sim.startPerformer(performerOptions(performancePlan(studio.labels)));
    });
  }

  setActivity(a: ActivityName): void {
    this.activity = a;
    this.performing = false;
    device.sim?.setActivity(a);
    recording.label = a;
  }

  perform(): void {
    this.performing = true;
    device.sim?.startPerformer(performerOptions(this.plan));
  }

  async reconnect(): Promise<void> {
    await device.connectSimulated({ rateHz: this.rate, mode: this.mode });
    this.performing = true;
  }

  async changeRate(): Promise<void> {
    // The runtime firmware changes its rate over the protocol (SET_RATE); a CSV sketch is re-flashed.
    if (device.mode === 'framed' && device.status === 'streaming') await connection.setRate(this.rate).catch((e: unknown) => notices.error(e, 'Could not change the rate'));
    else await this.reconnect();
  }
}

export const simControls = new SimControlsState();
