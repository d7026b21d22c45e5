/**
 * Which y-scale each sensor axis is drawn on: rotation rates (deg/s, dps, rad/s) get their own scale
 * on the right when the plot also has other axes, so ±400 °/s does not flatten ±20 m/s². Shared by
 * the live plot and the sample view. DOM-free UI helper.
 */
import type { SensorAxis } from '../../data/sample.ts';

export const isRate = (units: string | undefined): boolean => /deg\/s|dps|rad\/s/i.test(units ?? '');

export interface PlotScales {
  /** Two y-scales (left: other units, right: rates). */
  dual: boolean;
  /** Scale key per axis: 'y' or 'rate'. */
  scales: ('y' | 'rate')[];
  leftUnits: string | undefined;
  rightUnits: string | undefined;
}

export function plotScales(axes: readonly Pick<SensorAxis, 'units'>[]): PlotScales {
  const dual = axes.some((a) => isRate(a.units)) && axes.some((a) => !isRate(a.units));
  return {
    dual,
    scales: axes.map((a) => (dual && isRate(a.units) ? 'rate' : 'y')),
    leftUnits: dual ? axes.find((a) => !isRate(a.units))?.units : undefined,
    rightUnits: dual ? axes.find((a) => isRate(a.units))?.units : undefined,
  };
}
