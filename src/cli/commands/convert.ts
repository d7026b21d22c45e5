/**
 * `tinyml convert --in PATH --out PATH --to csv|ei-json|zip`: converts between the common CSV layout,
 * Edge Impulse data-acquisition JSON files and the project archive, with the app's own importers and
 * exporters (input format detected per file; folders, zips and single files all work).
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { StudioError } from '../../core/errors.ts';
import { detectAndImport } from '../../data/io/import.ts';
import { exportCsvZip, exportEiZip, exportProjectZip } from '../../data/io/export.ts';
import { writeDatasetFolder } from '../../data/io/dataset-folder.ts';
import { writeEiExport } from '../../data/io/ei-json.ts';
import { listInputFiles, writeOutputFiles } from '../dataset-dir.ts';

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
  -h, --help     this text`;

function usageError(message: string): StudioError {
  return new StudioError({ family: 'config', code: 'usage', message, remedy: 'Run `tinyml convert --help`.' });
}

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        in: { type: 'string' },
        out: { type: 'string' },
        to: { type: 'string' },
        name: { type: 'string' },
        'skip-bad': { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (e) {
    console.error(`tinyml convert: ${e instanceof Error ? e.message : String(e)}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.in || !values.out || !values.to) {
    console.error(`tinyml convert: --in, --out and --to are required.\n\n${HELP}`);
    return 2;
  }
  const to = values.to;
  if (to !== 'csv' && to !== 'ei-json' && to !== 'zip') {
    console.error(`tinyml convert: --to must be csv, ei-json or zip (got "${to}").`);
    return 2;
  }
  const out = resolve(values.out);
  if (resolve(values.in) === out) throw usageError('--in and --out must be different paths.');
  if (existsSync(out) && !values.force) {
    const st = statSync(out);
    if (st.isFile() || readdirSync(out).length > 0) throw usageError(`${values.out} already exists; use --force to write over it.`);
  }

  const preview = await detectAndImport(listInputFiles(values.in));
  for (const w of preview.warnings) console.error(`warning: ${w}`);
  for (const e of preview.errors) console.error(`error: ${e.message}`);
  if (preview.errors.length && !values['skip-bad']) {
    console.error(`tinyml convert: ${preview.errors.length} input file(s) could not be read; nothing was written (use --skip-bad to convert the rest).`);
    return 3;
  }
  const recs = preview.recordings;
  if (recs.length === 0) {
    console.error('tinyml convert: no recordings found in the input.');
    return 3;
  }
  const name = values.name ?? preview.project?.name ?? preview.info?.name;
  const toZipFile = out.toLowerCase().endsWith('.zip');
  const writeFile = (data: Uint8Array): void => {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, data);
  };
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
    if (toZipFile) writeFile(exportCsvZip(recs, name !== undefined ? { name } : {}));
    else writeOutputFiles(out, writeDatasetFolder(recs, name !== undefined ? { name } : {}));
  } else if (toZipFile) writeFile(exportEiZip(recs));
  else writeOutputFiles(out, writeEiExport(recs));

  const s = preview.summary;
  const labels = s.labels.map((l) => `${l.label} ${l.count}`).join(', ');
  console.log(
    `converted ${recs.length} recording(s) (${labels}; ${s.categories.training} training, ${s.categories.testing} testing` +
      `${s.rateHz ? `, ${s.rateHz} Hz` : ''}) to ${to} at ${values.out}` +
      (preview.errors.length ? `; ${preview.errors.length} bad file(s) skipped` : ''),
  );
  return 0;
}
