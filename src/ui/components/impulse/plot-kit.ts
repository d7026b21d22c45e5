/**
 * uPlot helpers shared by the Impulse step's plots (feature explorer, window preview).
 */
import type uPlot from 'uplot';

/**
 * For `onMount`: keeps the current plot as wide as `el` (height from `height()`) and, on unmount,
 * stops watching and calls `destroy` (which should destroy the plot and forget it).
 */
export function followPlotWidth(el: HTMLElement, height: () => number, current: () => uPlot | null, destroy: () => void): () => void {
  const ro = new ResizeObserver(() => current()?.setSize({ width: el.clientWidth, height: height() }));
  ro.observe(el);
  return () => {
    ro.disconnect();
    destroy();
  };
}
