/**
 * One line per pipeline step: what the step is for and what comes next, chosen from what the
 * project has (samples, labels, a saved impulse, a model). DOM-free UI helper.
 */
import type { Step } from './studio.svelte.ts';

export interface ProjectFacts {
  samples: number;
  labels: number;
  hasImpulse: boolean;
  models: number;
  streaming: boolean;
}

export interface StepGuide {
  /** What the step is for. */
  purpose: string;
  /** What to do next, given the project. */
  next: string;
  /** The step that way leads to (null: stay here). */
  to: Step | null;
  /** Text of the button that goes there. */
  action: string | null;
}

export function stepGuide(step: Step, f: ProjectFacts): StepGuide {
  const go = (next: string, to: Step | null, action: string | null): Pick<StepGuide, 'next' | 'to' | 'action'> => ({ next, to, action });
  switch (step) {
    case 'device':
      return {
        purpose: 'Connect a board (or the simulated one) and record labelled samples of each gesture.',
        ...(!f.streaming
          ? go('Start with the simulated board if you have no hardware.', null, null)
          : f.labels < 2
            ? go('Record a few samples of at least two gestures, each with its own label.', null, null)
            : go(`${f.samples} samples of ${f.labels} labels so far. Next: check them on the Data step.`, 'data', 'Go to Data')),
      };
    case 'data':
      return {
        purpose: 'Check, crop and split your samples, and keep about one in five for testing.',
        ...(f.samples === 0 ? go('No samples yet: record some on the Device step, or import files here.', 'device', 'Go to Device') : go('Next: choose how windows are cut and turned into features.', 'impulse', 'Go to Impulse')),
      };
    case 'impulse':
      return {
        purpose: 'Choose the window length and the processing that turns each window into features.',
        ...(f.samples === 0 ? go('Record samples first: the settings follow your data.', 'device', 'Go to Device') : go(f.hasImpulse ? 'Next: train a model on these features.' : 'Save the impulse (or keep the defaults), then train.', 'train', 'Go to Train')),
      };
    case 'train':
      return {
        purpose: 'Train a small neural network on the features of your training samples.',
        ...(f.samples === 0 ? go('Record samples first.', 'device', 'Go to Device') : f.models === 0 ? go('Press Train; it takes a few seconds.', null, null) : go('Next: see how the model does on the test samples and live.', 'test', 'Go to Test')),
      };
    case 'test':
      return {
        purpose: 'See how the model does on samples it never saw, and live on the board.',
        ...(f.models === 0 ? go('Train a model first.', 'train', 'Go to Train') : go('Next: put the model on a board, or download it.', 'deploy', 'Go to Deploy')),
      };
    case 'deploy':
      return {
        purpose: 'Turn the model into int8 TensorFlow Lite and put it on a board or into your sketch.',
        ...(f.models === 0 ? go('Train a model first.', 'train', 'Go to Train') : go('Download the files or send the model to a connected board.', null, null)),
      };
  }
}
