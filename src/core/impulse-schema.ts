/**
 * The schema of a persisted impulse (src/core/impulse.ts): what a project archive, IndexedDB, the
 * CLI's `--config` and the Impulse form accept. Numbers are finite and in plausible ranges, blocks
 * are known ids, labels and axes are distinct bounded names; unknown keys are dropped. DOM-free.
 */
import * as v from 'valibot';
import type { DspBlockId, ImpulseConfig, LearnBlockId } from './impulse.ts';
import { distinctList, num, text } from './schema-check.ts';

export const DSP_BLOCK_IDS = ['raw', 'flatten', 'spectral', 'spectrogram', 'mfe', 'mfcc'] as const satisfies readonly DspBlockId[];
export const LEARN_BLOCK_IDS = ['dense', 'conv1d', 'conv2d', 'anomaly'] as const satisfies readonly LearnBlockId[];

/** Plausible ranges of the numbers a person types in the Impulse form or a config file. */
export const IMPULSE_LIMITS = {
  /** Window and stride, ms (one hour at most). */
  maxWindowMs: 3_600_000,
  minFrequencyHz: 0.001,
  maxFrequencyHz: 1_000_000,
  maxAxes: 64,
  maxLabels: 1000,
  maxNameChars: 200,
  maxEpochs: 100_000,
  maxBatchSize: 1_000_000,
} as const;

const L = IMPULSE_LIMITS;
const name = text(L.maxNameChars, 1);

export const WindowMsSchema = num(0, L.maxWindowMs, { minExclusive: true });
export const FrequencyHzSchema = num(L.minFrequencyHz, L.maxFrequencyHz);

export const WindowingSchema = v.object({
  windowMs: WindowMsSchema,
  strideMs: WindowMsSchema,
  zeroPad: v.boolean('must be true or false'),
  frequencyHz: FrequencyHzSchema,
  axes: v.pipe(distinctList(name, L.maxAxes, 'axis names'), v.minLength(1, 'must name at least one axis')),
});

const paramValue = v.union([num(-1e12, 1e12), text(L.maxNameChars), v.boolean()], 'must be a number, a text or true/false');
const paramKey = v.pipe(v.string(), v.maxLength(64, 'must be a parameter name of at most 64 characters'));

export const DspSchema = v.object({
  block: v.picklist(DSP_BLOCK_IDS, `must be one of ${DSP_BLOCK_IDS.join(', ')}`),
  params: v.record(paramKey, paramValue),
});

export const LearnSchema = v.object({
  block: v.picklist(LEARN_BLOCK_IDS, `must be one of ${LEARN_BLOCK_IDS.join(', ')}`),
  params: v.record(paramKey, v.union([paramValue, v.pipe(v.array(num(-1e12, 1e12)), v.maxLength(64))], 'must be a number, a text, true/false or a list of numbers')),
});

export const AugmentationSchema = v.object({ noise: num(0, 100), timeShift: num(0, 100), amplitudeScale: num(0, 100) });

export const TrainingSchema = v.object({
  epochs: num(1, L.maxEpochs, { integer: true }),
  learningRate: num(0, 10, { minExclusive: true }),
  batchSize: num(1, L.maxBatchSize, { integer: true }),
  validationSplit: num(0, 0.95),
  seed: num(0, 2 ** 32 - 1, { integer: true }),
  earlyStoppingPatience: num(0, L.maxEpochs, { integer: true }),
  classWeighting: v.boolean('must be true or false'),
  augmentation: AugmentationSchema,
});

const QuantSchema = v.object({ scale: num(0, 1e30, { minExclusive: true }), zeroPoint: num(-128, 127, { integer: true }) });

const NormalizationSchema = v.pipe(
  v.object({ mean: v.array(num(-1e30, 1e30)), std: v.array(num(0, 1e30, { minExclusive: true })) }),
  v.check((n) => n.mean.length === n.std.length, 'must have as many means as standard deviations'),
);

export const ImpulseSchema = v.object({
  version: v.optional(v.literal(1, 'must be 1'), 1),
  windowing: WindowingSchema,
  dsp: DspSchema,
  learn: LearnSchema,
  training: TrainingSchema,
  labels: distinctList(name, L.maxLabels, 'labels'),
  quantization: v.optional(v.object({ input: QuantSchema, output: QuantSchema })),
  normalization: v.optional(NormalizationSchema),
});

/** A partial impulse (the CLI's --config: every section and field optional, merged over defaults). */
export const PartialImpulseSchema = v.object({
  version: v.optional(v.literal(1, 'must be 1')),
  windowing: v.optional(v.partial(WindowingSchema)),
  dsp: v.optional(v.object({ block: DspSchema.entries.block, params: v.optional(DspSchema.entries.params) })),
  learn: v.optional(v.object({ block: LearnSchema.entries.block, params: v.optional(LearnSchema.entries.params) })),
  training: v.optional(v.partial(v.object({ ...TrainingSchema.entries, augmentation: v.partial(AugmentationSchema) }))),
  labels: v.optional(ImpulseSchema.entries.labels),
  quantization: ImpulseSchema.entries.quantization,
  normalization: ImpulseSchema.entries.normalization,
});

// The schema's output is an ImpulseConfig (checked at compile time).
const _fits: (x: v.InferOutput<typeof ImpulseSchema>) => ImpulseConfig = (x) => x;
void _fits;
