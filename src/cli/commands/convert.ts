/**
 * `tinyml convert --in PATH --out PATH --to csv|ei-json|zip`: converts between the common CSV layout,
 * Edge Impulse data-acquisition JSON files and the project archive, with the app's own importers and
 * exporters (input format detected per file; folders, zips and single files all work).
 */
import { resolve } from 'node:path';
import { StudioError } from '../../core/errors.ts';
import { detectAndImport } from '../../data/io/import.ts';
import { exportCsvZip, exportEiZip, exportProjectZip } from '../../data/io/export.ts';
import { writeDatasetFolder } from '../../data/io/dataset-folder.ts';
import { writeEiExport } from '../../data/io/ei-json.ts';
import { defineCommand, runCommand } from '../command.ts';
import { listInputFiles, statInput, writeOutputFiles } from '../dataset-dir.ts';
import { echo } from '../../core/echo.ts';
import { EXIT } from '../exit-codes.ts';
import { writeOut } from '../out-path.ts';

const HELP = `usage: tinyml convert --in PATH --out PATH --to csv|ei-json|zip [options]

  --in PATH      a folder (CSV layout, EI JSON files or an unzipped EI export), a zip
                 (EI export, CSV layout or project archive) or a single file
  --out PATH     csv / ei-json: a folder (or a .zip file); zip: the project archive file
  --to FORMAT    csv      common layout: <label>.<id>.csv + dataset.json (test_ids)
                 ei-json  Edge Impulse data-acquisition JSON: training/, testing/, info.labels
                 zip      TinyML Studio project archive (project.json + samples/)
  --name NAME    dataset/project name written to the output
  --skip-bad     convert the good files even if some input files are bad (they are listed)
  --force        write into an existing non-empty output folder / over an existing file
  --debug        print the stack trace of an unexpected error
  -h, --help     this text`;

function usageError(message: string): StudioError {
  return new StudioError({ family: 'config', code: 'usage', message, remedy: 'Run `tinyml convert --help`.' });
}

const FORMATS = ['csv', 'ei-json', 'zip'] as const;

/** The output is a single file for --to zip and for any --out ending in .zip; a folder otherwise. */
const outKind = (to: string | undefined, out: string): 'file' | 'folder' => (to === 'zip' || out.toLowerCase().endsWith('.zip') ? 'file' : 'folder');

export const command = defineCommand({
  name: 'convert',
  help: HELP,
  options: {
    in: { type: 'string' },
    out: { type: 'string' },
    to: { type: 'string' },
    name: { type: 'string' },
    'skip-bad': { type: 'boolean' },
    force: { type: 'boolean' },
  },
  required: ['in', 'out', 'to'],
  output: (v) => {
    const to = v.to!;
    if (!(FORMATS as readonly string[]).includes(to)) throw usageError(`--to must be csv, ei-json or zip (got ${echo(to)}).`);
    if (resolve(v.in!) === resolve(v.out!)) throw usageError('--in and --out must be different paths.');
    statInput(v.in!); // a missing input is reported before the output is made
    return { flag: 'out', path: v.out!, kind: outKind(to, v.out!), replace: v.force === true, replaceRemedy: 'Use --force to write over it, or choose another path.' };
  },
  async run(values, ctx) {
    const to = values.to as (typeof FORMATS)[number];
    const out = ctx.out!;
    const preview = await detectAndImport(listInputFiles(values.in!));
    for (const w of preview.warnings) console.error(`warning: ${w}`);
    for (const e of preview.errors) console.error(`error: ${e.message}`);
    if (preview.errors.length && !values['skip-bad']) {
      throw new StudioError({
        family: 'import',
        code: 'bad-files',
        message: `${preview.errors.length} input file(s) could not be read; nothing was written.`,
        remedy: 'Fix them, or use --skip-bad to convert the rest.',
      });
    }
    const recs = preview.recordings;
    if (recs.length === 0) throw new StudioError({ family: 'import', code: 'no-recordings', message: 'No recordings were found in the input.', remedy: 'Check --in: a folder or zip of CSV, EI JSON or WAV files, or a project archive.' });
    const name = values.name ?? preview.project?.name ?? preview.info?.name;
    const writeFile = (data: Uint8Array): void => writeOut(out, data);
    if (to === 'zip') {
      writeFile(
        exportProjectZip({
          name: name ?? 'Converted dataset',
          labels: preview.project?.labels ?? [],
          recordings: recs,
          models: preview.project?.models ?? [],
          ...(preview.project?.impulse ? { impulse: preview.project.impulse } : {}),
        }),
      );
    } else if (to === 'csv') {
      if (outKind(to, out) === 'file') writeFile(exportCsvZip(recs, name !== undefined ? { name } : {}));
      else writeOutputFiles(out, writeDatasetFolder(recs, name !== undefined ? { name } : {}));
    } else if (outKind(to, out) === 'file') writeFile(exportEiZip(recs));
    else writeOutputFiles(out, writeEiExport(recs));

    const s = preview.summary;
    const labels = s.labels.map((l) => `${l.label} ${l.count}`).join(', ');
    console.log(
      `converted ${recs.length} recording(s) (${labels}; ${s.categories.training} training, ${s.categories.testing} testing` +
        `${s.rateHz ? `, ${s.rateHz} Hz` : ''}) to ${to} at ${values.out}` +
        (preview.errors.length ? `; ${preview.errors.length} bad file(s) skipped` : ''),
    );
    return EXIT.ok;
  },
});

export const run = (args: string[]): Promise<number> => runCommand(command, args);
