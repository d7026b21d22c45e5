/**
 * Files from a file input or a drop, including whole dropped folders (walked through the
 * FileSystemEntry API), as `{path, file}` pairs for the data worker. UI helper.
 */
import type { FileInput } from '../../../workers/data-client.ts';

/** Deepest folder nesting walked in a dropped folder. */
const MAX_DEPTH = 16;

export function filesFromList(list: FileList | File[] | null | undefined): FileInput[] {
  if (!list) return [];
  return [...list].map((f) => ({ path: f.webkitRelativePath || f.name, file: f }));
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((res, rej) => entry.file(res, rej));
}

function readBatch(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((res, rej) => reader.readEntries(res, rej));
}

/**
 * Every file under the dropped items. Folders are walked (readEntries returns batches, so it is called
 * until empty); walking stops after `maxFiles` files, which the caller then refuses as too many.
 */
export async function filesFromDrop(dt: DataTransfer, maxFiles: number): Promise<FileInput[]> {
  const out: FileInput[] = [];
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of [...dt.items]) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else {
      const f = item.getAsFile();
      if (f) loose.push(f);
    }
  }
  if (!entries.length && !loose.length) return filesFromList(dt.files);
  const walk = async (entry: FileSystemEntry, depth: number): Promise<void> => {
    if (out.length > maxFiles) return;
    if (entry.isFile) {
      const file = await fileOf(entry as FileSystemFileEntry);
      out.push({ path: entry.fullPath.replace(/^\/+/, '') || file.name, file });
    } else if (entry.isDirectory && depth < MAX_DEPTH) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (let batch = await readBatch(reader); batch.length; batch = await readBatch(reader)) {
        for (const e of batch) await walk(e, depth + 1);
        if (out.length > maxFiles) return;
      }
    }
  };
  for (const e of entries) await walk(e, 0);
  for (const f of loose) out.push({ path: f.name, file: f });
  return out;
}
