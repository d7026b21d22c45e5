/**
 * The list of DSP blocks an impulse can use. DOM-free core module.
 */
import type { DspBlockId, ImpulseConfig } from '../core/impulse.ts';
import type { DspBlock, DspContext } from './block.ts';
import { dspError } from './block.ts';
import { rawBlock } from './blocks/raw.ts';
import { flattenBlock } from './blocks/flatten.ts';
import { spectralBlock } from './blocks/spectral.ts';
import { spectrogramBlock } from './blocks/spectrogram.ts';
import { mfeBlock } from './blocks/mfe.ts';
import { mfccBlock } from './blocks/mfcc.ts';
import { windowFrames } from './windowing.ts';

export const dspBlocks: Readonly<Record<DspBlockId, DspBlock>> = {
  raw: rawBlock,
  flatten: flattenBlock,
  spectral: spectralBlock,
  spectrogram: spectrogramBlock,
  mfe: mfeBlock,
  mfcc: mfccBlock,
};

export function listDspBlocks(): DspBlock[] {
  return Object.values(dspBlocks);
}

export function getDspBlock(id: string): DspBlock {
  const b = (dspBlocks as Record<string, DspBlock | undefined>)[id];
  if (!b) {
    throw dspError('unknown-block', `There is no DSP block "${id}".`, `Choose one of: ${Object.keys(dspBlocks).join(', ')}.`);
  }
  return b;
}

/** The DspContext an impulse gives its DSP block. */
export function dspContext(impulse: Pick<ImpulseConfig, 'windowing' | 'dsp'>): DspContext {
  const w = impulse.windowing;
  return {
    axesCount: w.axes.length,
    axisNames: w.axes.slice(),
    frequencyHz: w.frequencyHz,
    windowFrames: windowFrames(w),
    params: impulse.dsp.params ?? {},
  };
}
