/**
 * The one argmax of the studio: index of the largest value, the FIRST one on ties, exactly as the
 * runtime firmware picks its class (`scores[i] > scores[labelIndex]`, firmware/tinyml_runtime/tflm_hook.cpp) and as
 * TFLite Micro's examples do. A NaN never beats the current best, so a row that starts with NaN yields
 * its start index. DOM-free core module.
 */

/** Index of the largest value of `a[start..end)`, relative to `start`; 0 for an empty range. */
export function argmax(a: ArrayLike<number>, start = 0, end = a.length): number {
  let best = start;
  for (let i = start + 1; i < end; i++) if (a[i] > a[best]) best = i;
  return end > start ? best - start : 0;
}

/** argmax of row `i` of a row-major N × K matrix. */
export function argmaxRow(a: ArrayLike<number>, i: number, k: number): number {
  return argmax(a, i * k, i * k + k);
}
