/**
 * Exports: the project archive zip, Edge Impulse data-acquisition JSON (per recording or as an export
 * zip), the common CSV layout (files or zip) and WAV. DOM-free core module.
 *
 * All of them write float32 values as their shortest exact decimals (or raw float32), so re-importing
 * an export gives back every value bit-exact.
 */
import type { RawRecording } from '../sample.ts';
import { type OutputFile, type WriteFolderInfo, writeDatasetFolder } from './dataset-folder.ts';
import { type WriteEiOptions, writeEiExport, writeEiJson } from './ei-json.ts';
import { idPart, safeStem } from './names.ts';
import { type ProjectArchive, writeProjectArchive } from './project-archive.ts';
import { writeZip } from './safe-zip.ts';
import { writeWav } from './wav.ts';

/** The whole project (or the selection of recordings/models passed) as a project archive zip. */
export function exportProjectZip(project: ProjectArchive, opts: { level?: 0 | 1 | 3 | 6 | 9 } = {}): Uint8Array {
  return writeProjectArchive(project, opts);
}

/** One recording as a data-acquisition JSON file named `<label>.<id>.json`. */
export function exportEiJson(rec: RawRecording, opts: WriteEiOptions = {}): OutputFile {
  const name = `${safeStem(rec.label, idPart(rec.label, rec.name), new Set())}.json`;
  return { name, data: new TextEncoder().encode(writeEiJson(rec, opts)) };
}

/** Recordings as an Edge Impulse-style export zip (training/, testing/, info.labels). */
export function exportEiZip(recs: RawRecording[], opts: WriteEiOptions = {}): Uint8Array {
  return writeZip(writeEiExport(recs, opts));
}

/** The common CSV layout in a zip. */
export function exportCsvZip(recs: RawRecording[], info: WriteFolderInfo = {}): Uint8Array {
  return writeZip(writeDatasetFolder(recs, info));
}

/** One recording as a 32-bit float WAV file. */
export function exportWav(rec: RawRecording): OutputFile {
  return { name: `${safeStem(rec.label, idPart(rec.label, rec.name), new Set())}.wav`, data: writeWav(rec) };
}
