/**
 * The schema of persisted model metrics (the `TrainMetrics` shape of src/ml/train/train-job.ts, stored
 * in ModelRecord.metrics, written as metrics.json and in project archives). It lives in core because
 * the archive importer and the store (data layer) check it; a test keeps it in step with the type.
 * Lenient on purpose: every part is optional and unknown keys are kept (older versions wrote fewer
 * fields), but what is there must have the right type and range, so the UI can draw it. DOM-free.
 */
import * as v from 'valibot';
import { num, text } from './schema-check.ts';

const count = num(0, Number.MAX_SAFE_INTEGER, { integer: true });
const fraction = num(0, 1);
const big = num(-1e30, 1e30);
const labels = v.pipe(v.array(text(200), 'must be a list of labels'), v.maxLength(1000, 'must list at most 1000 labels'));

const ClassMetricsSchema = v.looseObject({ precision: fraction, recall: fraction, f1: fraction, support: count });

export const PublicMetricsSchema = v.looseObject({
  accuracy: fraction,
  confusion: v.pipe(v.array(v.pipe(v.array(count), v.maxLength(1001))), v.maxLength(1001)),
  per_class: v.record(v.string(), ClassMetricsSchema),
});

const ClassificationMetricsSchema = v.looseObject({
  ...PublicMetricsSchema.entries,
  labels: v.optional(labels),
  count: v.optional(count),
  uncertain: v.optional(count),
});

const EpochSchema = v.looseObject({ epoch: count, loss: big, acc: big, valLoss: v.optional(big), valAcc: v.optional(big), elapsedMs: v.optional(big) });

export const MetricsSchema = v.looseObject({
  labels: v.optional(labels),
  float: v.optional(PublicMetricsSchema),
  float_per_sample: v.optional(PublicMetricsSchema),
  int8: v.optional(PublicMetricsSchema),
  int8_error: v.optional(text(10_000)),
  comparison: v.optional(
    v.looseObject({
      split: v.picklist(['test', 'training'], 'must be test or training'),
      windows: count,
      float: ClassificationMetricsSchema,
      int8: ClassificationMetricsSchema,
      agreement: fraction,
    }),
  ),
  anomaly: v.optional(v.looseObject({ threshold: big, clusters: count, model: v.optional(v.record(v.string(), v.unknown())), test: v.optional(v.record(v.string(), v.unknown())) })),
  training: v.optional(
    v.looseObject({
      backend: v.optional(text(200)),
      train_ms: v.optional(num(0, 1e12)),
      epochs_run: v.optional(count),
      best_epoch: v.optional(count),
      stopped_early: v.optional(v.boolean()),
      history: v.optional(v.pipe(v.array(EpochSchema), v.maxLength(1_000_000))),
    }),
  ),
  sizes: v.optional(v.looseObject({ tfjs_bytes: v.optional(count), int8_bytes: v.optional(count), float_tflite_bytes: v.optional(count), parameters: v.optional(count) })),
});
