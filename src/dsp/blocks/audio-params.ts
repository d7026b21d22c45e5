/**
 * Parameter schema pieces shared by the audio blocks (spectrogram, MFE, MFCC). DOM-free core module.
 * Names and defaults are Edge Impulse's (`parameters.json` of its audio blocks, in kebab-case).
 */
import type { ParamSchema } from '../block.ts';

export function frameParams(strideDefault: number): ParamSchema[] {
  return [
    { name: 'frame-length', label: 'Frame length (s)', type: 'number', default: 0.02, min: 0, max: 10, step: 0.001, help: 'Length of each analysis frame in seconds.' },
    { name: 'frame-stride', label: 'Frame stride (s)', type: 'number', default: strideDefault, min: 0, max: 10, step: 0.001, help: 'Step between frame starts in seconds.' },
  ];
}

export function fftParam(def: number): ParamSchema {
  return { name: 'fft-length', label: 'FFT length', type: 'number', default: def, min: 2, max: 8192, integer: true, help: 'FFT points per frame, a power of two; frames are zero-padded or truncated to it.' };
}

export const noiseFloorParam: ParamSchema = {
  name: 'noise-floor-db',
  label: 'Noise floor (dB)',
  type: 'number',
  default: -52,
  min: -200,
  max: 0,
  help: 'Energies below this level become 0 in the normalised output.',
};

/** Pre-emphasis coefficient, EI's `pre-cof` (older projects: `pre-emphasis`, see withParamAliases). */
export function preEmphasisParam(def: number): ParamSchema {
  return { name: 'pre-cof', label: 'Pre-emphasis coefficient', type: 'number', default: def, min: 0, max: 1, step: 0.01, help: 'y[n] = x[n] − c·x[n − shift], circular at the start as Edge Impulse does; 0 turns it off.' };
}

export const preShiftParam: ParamSchema = {
  name: 'pre-shift',
  label: 'Pre-emphasis shift',
  type: 'number',
  default: 1,
  max: 1000,
  integer: true,
  help: 'Samples between x[n] and the sample it is compared with (at least 1).',
};

export function melParams(filters: number): ParamSchema[] {
  return [
    { name: 'num-filters', label: 'Filter number', type: 'number', default: filters, max: 512, integer: true, help: 'Number of triangular mel filters (at least 2).' },
    { name: 'low-frequency', label: 'Low frequency (Hz)', type: 'number', default: 0, min: 0, help: 'Lowest mel filter edge.' },
    { name: 'high-frequency', label: 'High frequency (Hz)', type: 'number', default: 0, min: 0, help: 'Highest mel filter edge; 0 means half the sample rate.' },
  ];
}
