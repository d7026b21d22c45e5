/**
 * Node helpers for the CLI: a file or folder on disk as the importers' `InputFile`s (read lazily),
 * a dataset folder through the same loader the app uses, and writing output files safely.
 */
import { mkdirSync, readFileSync, readdirSync, statSync, type Stats } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { StudioError } from '../core/errors.ts';
import { echo } from '../core/echo.ts';
import { writeOut } from './out-path.ts';
import { type DatasetFolderResult, type InputFile, type OutputFile, type ReadFolderOptions, readDatasetFolder } from '../data/io/dataset-folder.ts';

/** The input path's stat; a missing path is a usage error naming --in. */
export function statInput(path: string): Stats {
  try {
    return statSync(resolve(path));
  } catch (e) {
    throw new StudioError({ family: 'config', code: 'no-input', message: `${echo(path)} does not exist.`, remedy: 'Check the --in path.', cause: e });
  }
}

/** Every file under `path` (or `path` itself), named relative to it with '/' separators. */
export function listInputFiles(path: string, maxFiles = 100_000): InputFile[] {
  const root = resolve(path);
  const st = statInput(path);
  const fileOf = (abs: string, name: string, size: number): InputFile => ({
    name,
    size,
    text: async () => readFileSync(abs, 'utf8'),
    arrayBuffer: async () => {
      const b = readFileSync(abs);
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    },
  });
  if (st.isFile()) return [fileOf(root, root.split(sep).pop()!, st.size)];
  const out: InputFile[] = [];
  const walk = (dir: string): void => {
    for (const ent of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const abs = join(dir, ent.name);
      // Hidden folders (.git, .cache) are not data. Hidden files are passed on: the importers skip
      // them with a note, so nothing disappears without a word.
      if (ent.isDirectory()) {
        if (!ent.name.startsWith('.')) walk(abs);
      }
      else if (ent.isFile()) {
        if (out.length >= maxFiles) {
          throw new StudioError({ family: 'import', code: 'too-many-files', message: `${path} holds more than ${maxFiles} files.`, remedy: 'Convert it in parts.' });
        }
        out.push(fileOf(abs, relative(root, abs).split(sep).join('/'), statSync(abs).size));
      }
    }
  };
  walk(root);
  return out;
}

/** A dataset folder (common CSV layout) read with the app's loader. */
export async function loadDatasetDir(path: string, opts: ReadFolderOptions = {}): Promise<DatasetFolderResult> {
  return readDatasetFolder(listInputFiles(path), opts);
}

/** Writes files under `dir`, refusing any name that would land outside it. */
export function writeOutputFiles(dir: string, files: OutputFile[]): void {
  const root = resolve(dir);
  for (const f of files) {
    const abs = resolve(root, f.name);
    if (abs !== root && !abs.startsWith(root + sep)) {
      throw new StudioError({ family: 'import', code: 'unsafe-path', message: `Refusing to write ${f.name} outside ${dir}.` });
    }
    mkdirSync(dirname(abs), { recursive: true });
    writeOut(abs, f.data);
  }
}
