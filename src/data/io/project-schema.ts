/**
 * Schemas of a project archive's project.json (src/data/io/project-archive.ts): the project's own
 * fields and each model version it carries (id, name, date, metrics, impulse, file paths). The impulse
 * and metrics use the core schemas. Samples keep their own upgrade code (older versions used other
 * field names). DOM-free.
 */
import * as v from 'valibot';
import { ImpulseSchema } from '../../core/impulse-schema.ts';
import { MetricsSchema } from '../../core/metrics-schema.ts';
import { num, text } from '../../core/schema-check.ts';

/** One model version in project.json. */
export const ArchiveModelEntrySchema = v.object({
  id: text(200, 1),
  name: v.optional(text(200)),
  createdAt: v.optional(num(0, 8.64e15)),
  metrics: v.nullish(MetricsSchema),
  impulse: v.optional(ImpulseSchema),
  files: v.pipe(v.record(v.pipe(v.string(), v.maxLength(40)), text(500, 1)), v.maxEntries(16, 'must list at most 16 files')),
});

/** The project-level fields of project.json (format and version are checked before, samples after). */
export const ProjectJsonSchema = v.looseObject({
  name: v.optional(text(200)),
  labels: v.optional(v.pipe(v.array(text(200)), v.maxLength(1000, 'must list at most 1000 labels'))),
  impulse: v.optional(ImpulseSchema),
  models: v.optional(v.pipe(v.array(ArchiveModelEntrySchema), v.maxLength(1000, 'must list at most 1000 models'))),
});
