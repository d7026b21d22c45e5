/**
 * Shared CLI plumbing for `train`, `features` and `predict`: reading a dataset folder from disk,
 * loading impulse.json, and applying the impulse options given on the command line
 * (--window-ms, --stride-ms, --dsp, repeatable --dsp-param KEY=VALUE, --learn, --seed).
 * Node-only (node:fs). Bad options are StudioErrors of family 'config' (exit 2); a malformed folder or
 * config file is family 'import' (exit 3).
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { StudioError, type ErrorCode } from '../core/errors.ts';
import type { DspBlockId, ImpulseConfig, LearnBlockId, ParamValue } from '../core/impulse.ts';
import { readDatasetFolder, type DatasetFolderResult, type InputFile } from '../data/io/dataset-folder.ts';
import { stratifiedSplit } from '../data/split.ts';
import type { RawRecording } from '../data/sample.ts';
import { listInputFiles } from './dataset-dir.ts';
import { echo } from '../core/echo.ts';
import * as valibot from 'valibot';
import { IMPULSE_LIMITS, ImpulseSchema, PartialImpulseSchema, WindowMsSchema } from '../core/impulse-schema.ts';
import { checkShape } from '../core/schema-check.ts';
import { fsError } from './fs-errors.ts';
import { defaultImpulse, DEFAULT_CONV1D_LEARN, DEFAULT_LEARN } from '../ml/defaults.ts';

export const IMPULSE_OPTIONS = {
  config: { type: 'string' },
  'window-ms': { type: 'string' },
  'stride-ms': { type: 'string' },
  dsp: { type: 'string' },
  'dsp-param': { type: 'string', multiple: true },
  learn: { type: 'string' },
  seed: { type: 'string' },
} as const;

export const IMPULSE_HELP = `impulse options (override --config):
  --config FILE          impulse.json to start from (default: built-in defaults for the dataset)
  --window-ms N          window length in ms
  --stride-ms N          window stride in ms
  --dsp BLOCK            raw | flatten | spectral | spectrogram | mfe | mfcc
  --dsp-param KEY=VALUE  DSP parameter, kebab-case (repeatable), e.g. fft-length=64 filter-type=low
  --learn BLOCK          dense | conv1d | conv2d | anomaly
  --seed N               seed for the split, initialisation, shuffling and augmentation`;

const DSP_IDS: DspBlockId[] = ['raw', 'flatten', 'spectral', 'spectrogram', 'mfe', 'mfcc'];
const LEARN_IDS: LearnBlockId[] = ['dense', 'conv1d', 'conv2d', 'anomaly'];
const TWO_D: DspBlockId[] = ['raw', 'spectrogram', 'mfe', 'mfcc'];

export function usageError(message: string, remedy = 'Run with --help for the options.'): StudioError {
  return new StudioError({ family: 'config', code: 'usage', message, remedy });
}

export function badInput(code: ErrorCode<'import'>, message: string, remedy: string): StudioError {
  return new StudioError({ family: 'import', code, message, remedy });
}

function positive(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!valibot.is(WindowMsSchema, n)) throw usageError(`--${name} must be a number of ms above 0, at most ${IMPULSE_LIMITS.maxWindowMs}, got ${echo(v)}.`);
  return n;
}

export function parseSeed(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1) throw usageError(`--seed must be a whole number from 0 to 2147483647, got "${v}".`);
  return n;
}

/** "fft-length=64" → ["fft-length", 64]; numbers and true/false are converted. */
export function parseDspParam(s: string): [string, ParamValue] {
  const eq = s.indexOf('=');
  if (eq <= 0) throw usageError(`--dsp-param needs KEY=VALUE, got "${s}".`, 'Example: --dsp-param fft-length=64');
  const key = s.slice(0, eq).trim();
  const raw = s.slice(eq + 1).trim();
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(key)) throw usageError(`DSP parameter name "${key}" is not kebab-case.`, 'Use names such as fft-length, filter-type, filter-cutoff.');
  let v: ParamValue = raw;
  if (raw === 'true') v = true;
  else if (raw === 'false') v = false;
  else if (raw !== '' && Number.isFinite(Number(raw))) v = Number(raw);
  return [key, v];
}

/** Node files of a dataset directory as importer InputFiles (a missing folder is bad input, exit 3). */
export function nodeInputFiles(dir: string): InputFile[] {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw badInput('no-such-folder', `The dataset folder "${dir}" does not exist.`, 'Pass --data with a folder of <label>.<id>.csv files.');
  }
  if (!st.isDirectory()) throw badInput('not-a-folder', `"${dir}" is not a folder.`, 'Pass --data with a folder of <label>.<id>.csv files.');
  return listInputFiles(dir);
}

export interface LoadedDataset extends DatasetFolderResult {
  dir: string;
  frequencyHz: number;
}

/** Reads the dataset folder; a folder with no readable recording is an error, bad files are listed. */
export async function loadDataset(dir: string): Promise<LoadedDataset> {
  const files = nodeInputFiles(dir);
  const res = await readDatasetFolder(files);
  for (const e of res.errors) console.error(`warning: ${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}`);
  if (res.recordings.length === 0) {
    throw badInput(
      'empty-dataset',
      `No recording could be read from "${dir}"${res.errors.length ? ` (${res.errors.length} file(s) failed)` : ''}.`,
      'The folder needs <label>.<id>.csv files with a header "timestamp_ms,<axes>" (and optionally dataset.json).',
    );
  }
  const rate = res.info.sampleRateHz ?? 1000 / res.recordings[0].intervalMs;
  if (!(rate > 0) || !Number.isFinite(rate)) throw badInput('no-rate', `Cannot tell the sample rate of "${dir}".`, 'Add sample_rate_hz to dataset.json.');
  return { ...res, dir: basename(dir), frequencyHz: rate };
}

/** dataset.json test ids when present, else a stratified split by recording with the seed (fraction 0.2). */
export function applySplit(recs: RawRecording[], seed: number, testFraction = 0.2): { recordings: RawRecording[]; source: 'dataset.json' | 'stratified' } {
  if (recs.some((r) => r.category === 'testing')) return { recordings: recs, source: 'dataset.json' };
  const { categories } = stratifiedSplit(
    recs.map((r) => ({ id: r.name, label: r.label })),
    { testFraction, seed },
  );
  return { recordings: recs.map((r) => ({ ...r, category: categories.get(r.name) ?? 'training' })), source: 'stratified' };
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw fsError(e, 'read', `The config file ${echo(path)}`) ?? badInput('no-config', `Cannot read the config file ${echo(path)}.`, 'Check the --config path.');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badInput('bad-config', `${echo(path)} is not valid JSON (${e instanceof Error ? e.message : String(e)}).`, 'Fix the file or write it again with `tinyml train`.');
  }
}

const CONFIG_REMEDY = 'Fix the value, or compare the file with an impulse.json written by `tinyml train`.';

/** Reads and checks a (partial) impulse.json with the impulse schema; partial configs are merged over defaults. */
export function readConfig(path: string): Partial<ImpulseConfig> {
  const j = readJson(path);
  return checkShape(PartialImpulseSchema, j, { family: 'import', code: 'bad-config', where: echo(path), root: '', remedy: CONFIG_REMEDY }) as Partial<ImpulseConfig>;
}

/** Reads a complete impulse.json (as `tinyml train` writes it), checked with the impulse schema. */
export function readFullConfig(path: string): ImpulseConfig {
  return checkShape(ImpulseSchema, readJson(path), { family: 'import', code: 'bad-config', where: echo(path), root: '', remedy: 'Train again with `tinyml train` (impulse.json must be complete).' });
}

export type ImpulseValues = { [K in keyof typeof IMPULSE_OPTIONS]?: (typeof IMPULSE_OPTIONS)[K] extends { multiple: true } ? string[] : string };

/** Defaults for the dataset ← config file ← command-line options. */
export function resolveImpulse(ds: LoadedDataset, values: ImpulseValues): ImpulseConfig {
  const trainLabels = [...new Set(ds.recordings.map((r) => r.label))].sort();
  const frames = ds.recordings.map((r) => r.values.length / Math.max(1, r.axes.length));
  const shortestRecordingMs = Math.min(...frames) * (1000 / ds.frequencyHz);
  const imp = defaultImpulse({ frequencyHz: ds.frequencyHz, axes: ds.info.axes, labels: trainLabels, shortestRecordingMs });
  const cfg = values.config ? readConfig(values.config) : {};
  if (cfg.windowing) imp.windowing = { ...imp.windowing, ...cfg.windowing };
  if (cfg.dsp) imp.dsp = { block: cfg.dsp.block, params: { ...(cfg.dsp.params ?? {}) } };
  if (cfg.learn) imp.learn = { block: cfg.learn.block, params: { ...(cfg.learn.params ?? {}) } };
  if (cfg.training) imp.training = { ...imp.training, ...cfg.training, augmentation: { ...imp.training.augmentation, ...(cfg.training.augmentation ?? {}) } };
  if (cfg.labels) imp.labels = cfg.labels.slice();
  if (cfg.quantization) imp.quantization = cfg.quantization;

  const wm = positive('window-ms', values['window-ms']);
  const sm = positive('stride-ms', values['stride-ms']);
  if (wm !== undefined) imp.windowing.windowMs = wm;
  if (sm !== undefined) imp.windowing.strideMs = sm;
  if (values.dsp !== undefined) {
    if (!DSP_IDS.includes(values.dsp as DspBlockId)) throw usageError(`Unknown DSP block "${values.dsp}".`, `Use one of ${DSP_IDS.join(', ')}.`);
    if (values.dsp !== imp.dsp.block) imp.dsp = { block: values.dsp as DspBlockId, params: {} };
    // A 2-D DSP output with the (default) dense block: switch to conv1d unless a block was chosen.
    if (TWO_D.includes(imp.dsp.block) && values.learn === undefined && !cfg.learn) imp.learn = structuredClone(DEFAULT_CONV1D_LEARN);
  }
  for (const p of values['dsp-param'] ?? []) {
    const [k, v] = parseDspParam(p);
    imp.dsp.params[k] = v;
  }
  if (values.learn !== undefined) {
    if (!LEARN_IDS.includes(values.learn as LearnBlockId)) throw usageError(`Unknown learning block "${values.learn}".`, `Use one of ${LEARN_IDS.join(', ')}.`);
    if (values.learn !== imp.learn.block) {
      imp.learn = values.learn === 'conv1d' ? structuredClone(DEFAULT_CONV1D_LEARN) : values.learn === 'dense' ? structuredClone(DEFAULT_LEARN) : values.learn === 'conv2d' ? { block: 'conv2d', params: {} } : { block: 'anomaly', params: {} };
    }
  }
  const seed = parseSeed(values.seed);
  if (seed !== undefined) imp.training.seed = seed;
  if (!imp.windowing.axes.length) imp.windowing.axes = ds.info.axes.slice();
  // Defaults ← dataset ← config ← flags: the result must be a usable impulse.
  return checkShape(ImpulseSchema, imp, { family: 'import', code: 'bad-impulse', where: `The impulse for ${echo(ds.dir)}`, root: 'impulse', remedy: 'Fix that value (flag, --config or dataset.json) and run again.' });
}
