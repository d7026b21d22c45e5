/**
 * RESHAPE kernel: copies the data; the output shape is the one stored in the model. DOM-free core module.
 */
import { input, kernelError, type KernelContext, type Prepared } from './common.ts';

export function prepareReshape(ctx: KernelContext): Prepared {
  const inp = input(ctx, 0);
  const out = ctx.outputs[0];
  if (inp.data.length !== out.data.length) throw kernelError(ctx, `cannot reshape ${inp.data.length} values into ${out.data.length}`);
  if (inp.type !== out.type) throw kernelError(ctx, 'input and output types differ');
  const x = inp.data, y = out.data;
  return () => {
    y.set(x as never);
  };
}
