/**
 * Raw block: the window's values times a scale factor, as [time, channels]. DOM-free core module.
 */
import type { DspBlock, DspContext, DspRunner, ParamSchema } from '../block.ts';
import { checkContext, checkWindow, resolveParams } from '../block.ts';

const params: ParamSchema[] = [
  { name: 'scale-axes', label: 'Scale axes', type: 'number', default: 1, step: 0.01, help: 'Multiply every value by this factor.' },
];

function createRunner(ctx: DspContext): DspRunner {
  checkContext(ctx);
  const scale = resolveParams(params, ctx.params)['scale-axes'] as number;
  const dim = ctx.windowFrames * ctx.axesCount;
  return {
    dim,
    run(window, out) {
      checkWindow(window, ctx);
      const res = out ?? new Float32Array(dim);
      for (let i = 0; i < dim; i++) res[i] = window[i] * scale;
      return res;
    },
  };
}

export const rawBlock: DspBlock = {
  id: 'raw',
  title: 'Raw data',
  description: 'Passes the window through unchanged (optionally scaled), shaped [time, axes] for convolutional models.',
  params,
  featureNames(ctx) {
    checkContext(ctx);
    const names: string[] = [];
    for (let t = 0; t < ctx.windowFrames; t++) for (const a of ctx.axisNames) names.push(`${a} #${t}`);
    return names;
  },
  outputShape(ctx) {
    checkContext(ctx);
    return [ctx.windowFrames, ctx.axesCount];
  },
  validate(ctx) {
    createRunner(ctx);
  },
  run: (window, ctx) => createRunner(ctx).run(window),
  createRunner,
};
