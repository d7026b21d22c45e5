/**
 * The Deploy step's engine, DOM-free: runs the deploy flow tables (src/deploy/flows/tables.ts) with
 * their effects (src/deploy/deploy-effects.ts), next to the link to a board that runs the runtime
 * firmware (src/deploy/board-connection.ts), and publishes one immutable view
 * (src/deploy/deploy-view.ts) after every change. The UI keeps that view in `$state` and calls
 * `start` / `dispatch` / the link methods.
 *
 * Everything the browser provides comes through `DeployEnv` (USB, serial, same-origin fetch, file
 * save, the project's deployment counter) and every serial interaction goes through the app's one
 * connection manager (`env.connection`, shared with the Device and Test steps), so the whole engine
 * runs in Node tests against the simulators. Waiting (polling for a port, a re-enumerated bootloader) uses the
 * env's `Clock` (src/core/clock.ts).
 */
import type { ActivityName } from '../device/sim/motion-model.ts';
import { BoardConnection } from './board-connection.ts';
import { FLOW_OP, deployEffects, type FlowCtx, type StartInput } from './deploy-effects.ts';
import { ViewStore, explainError, type DeployEnv, type DeployModel, type DeployView } from './deploy-view.ts';
import { FlowRunner, type FlowEvent } from './flows/flow.ts';
import { DEPLOY_FLOWS, type DeployAction, type DeployFlowId } from './flows/tables.ts';

export type { StartInput } from './deploy-effects.ts';
export * from './deploy-view.ts';

const STEP_TEXT: Record<string, string> = {
  choose: 'Choose the board in the browser\'s list',
  reconnect: 'Waiting for the board to restart',
  confirm: 'Reading the board\'s INFO',
  live: 'Starting on-device classification',
  build: 'Building the .uf2',
  save: 'Saving the file',
  prepare: 'Uploading',
  upload: 'Uploading',
  fetch: 'Loading the runtime firmware image',
  flash: 'Flashing',
};

export class DeploySession {
  private readonly store: ViewStore;
  private readonly conn: BoardConnection;
  private runner: FlowRunner<string, DeployAction, FlowCtx> | null = null;

  constructor(
    private readonly env: DeployEnv,
    onChange: (v: DeployView) => void = () => {},
  ) {
    this.store = new ViewStore(onChange);
    this.conn = new BoardConnection(env, this.store, () => !!this.runner && !this.runner.ended);
  }

  get view(): DeployView {
    return this.store.view;
  }

  get busy(): boolean {
    return this.store.busy;
  }

  private set(patch: Partial<DeployView>): void {
    this.store.set(patch);
  }

  // ---- flows -------------------------------------------------------------------------------------

  /** Starts a deploy flow; resolves with the step it ended in ('busy' while another one runs). */
  start(flow: DeployFlowId, input: StartInput): Promise<string> {
    if (this.runner && !this.runner.ended) return Promise.resolve('busy');
    this.conn.labels = input.model.labels;
    const ctx: FlowCtx = { ...input, flow };
    this.set({ opError: null, done: null, awaitingCopy: false, needPortPick: flow === 'serial' ? this.view.needPortPick : false });
    const runner = new FlowRunner<string, DeployAction, FlowCtx>(DEPLOY_FLOWS[flow], ctx, deployEffects(this.env, this.store, this.conn), (s) => this.onStep(ctx, s.step, s.error));
    this.runner = runner;
    return runner.start();
  }

  /** Feeds an event to the running flow (`cancel`, `copied`); false when it does not apply. */
  dispatch(event: FlowEvent): boolean {
    const ok = this.runner?.dispatch(event) ?? false;
    if (!ok && event.type === 'cancel') this.conn.cancel();
    return ok;
  }

  private onStep(ctx: FlowCtx, step: string, error: unknown): void {
    const kind = FLOW_OP[ctx.flow];
    const def = DEPLOY_FLOWS[ctx.flow].steps[step as never] as { end?: string };
    const patch: Partial<DeployView> = { flow: { id: ctx.flow, step }, awaitingCopy: step === 'bootsel' && ctx.flow === 'install-runtime' };
    if (def.end) {
      patch.op = null;
      if (def.end === 'failed') patch.opError = { kind, ...explainError(kind, error, this.env.platform(), ctx.device) };
      if (def.end === 'cancelled') {
        patch.opError = {
          kind,
          message: kind === 'serial' ? 'The upload was cancelled.' : 'Flashing was cancelled.',
          remedy: 'The board never activates a half-written model (the slot header is written last). Start again to finish.',
        };
      }
      if (step === 'need-port') patch.needPortPick = true;
      if (step === 'bootsel' && ctx.flow === 'uf2') {
        patch.done = `Saved ${ctx.file?.name}. Hold BOOTSEL while plugging the board in, then copy the file onto the RPI-RP2 drive; the board restarts with the model. Model sequence ${ctx.sequence}.`;
      }
    } else if (step === 'bootsel') {
      patch.op = null;
    } else {
      patch.op = { kind: step === 'reconnect' ? 'reconnect' : kind, stage: STEP_TEXT[step] ?? step, fraction: step === 'flash' || step === 'upload' ? 0 : undefined };
    }
    this.set(patch);
  }

  // ---- the board link ----------------------------------------------------------------------------

  connectSerial(labels: string[]): Promise<void> {
    return this.conn.connectSerial(labels);
  }

  connectSimulated(model: DeployModel): Promise<void> {
    return this.conn.connectSimulated(model);
  }

  touchToBootsel(): Promise<void> {
    return this.conn.touchToBootsel();
  }

  setSimActivity(a: ActivityName | 'performer'): void {
    this.conn.setSimActivity(a);
  }

  closeLink(): Promise<void> {
    return this.conn.closeLink();
  }

  refreshInfo(): Promise<void> {
    return this.conn.refreshInfo();
  }

  setInference(on: boolean): Promise<void> {
    return this.conn.setInference(on);
  }
}
