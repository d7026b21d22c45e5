/**
 * `tinyml features --data DIR [--config impulse.json] --out features.csv [impulse options]`
 *
 * One row per window of every recording (training and test): `recording,start,label,<feature names>`.
 */
import { computeFeaturesAsync } from '../../dsp/features.ts';
import { toFeatureRecordings } from '../../ml/train/pipeline.ts';
import { defineCommand, runCommand } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { IMPULSE_HELP, IMPULSE_OPTIONS, loadDataset, resolveImpulse } from '../impulse-args.ts';
import { writeWindowCsv } from './csv-out.ts';

const HELP = `usage: tinyml features --data DIR --out features.csv [options]

Computes the DSP features of every window of a dataset folder.
  --data DIR             dataset folder (<label>.<id>.csv + optional dataset.json)
  --out FILE             CSV to write: recording,start,label,<feature names>
${IMPULSE_HELP}`;

export const command = defineCommand({
  name: 'features',
  help: HELP,
  options: { ...IMPULSE_OPTIONS, data: { type: 'string' }, out: { type: 'string' } },
  required: ['data', 'out'],
  output: (v) => ({ flag: 'out', path: v.out!, kind: 'file', replace: true }),
  async run(values, ctx) {
    const ds = await loadDataset(values.data!);
    const impulse = resolveImpulse(ds, values);
    const fs = await computeFeaturesAsync(toFeatureRecordings(ds.recordings), impulse);
    const rows = fs.windows.map((w) => ({ recording: ds.recordings[w.recording].name, start: w.start, label: w.label }));
    writeWindowCsv(ctx.out!, rows, fs.names, fs.data, fs.dim);
    console.log(`${fs.rows} windows × ${fs.dim} features (${impulse.dsp.block}) → ${values.out}`);
    return EXIT.ok;
  },
});

export const run = (args: string[]): Promise<number> => runCommand(command, args);
