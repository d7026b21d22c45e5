/**
 * Opens (and upgrades) the studio's IndexedDB database. DOM-free core module.
 */
import { openDB } from 'idb';
import { StudioError } from '../../core/errors.ts';
import { DB_NAME, DB_VERSION, migrations, type StudioDb, type StudioSchema } from './schema.ts';

export interface OpenOptions {
  name?: string;
  /** Open at an older schema version (tests of migrations). */
  version?: number;
  /** Called when another tab wants to upgrade the database: close and reload. */
  onVersionChange?: () => void;
  /** Called when this tab waits for another one that holds an older version open. */
  onBlocked?: () => void;
}

export async function openStudioDb(options: OpenOptions = {}): Promise<StudioDb> {
  const version = options.version ?? DB_VERSION;
  if (typeof indexedDB === 'undefined') {
    throw new StudioError({
      family: 'storage',
      code: 'no-indexeddb',
      message: 'This browser gives the app no IndexedDB storage, so recordings cannot be kept.',
      remedy: 'Leave private browsing mode or allow site data for this page, then reload.',
    });
  }
  try {
    const db = await openDB<StudioSchema>(options.name ?? DB_NAME, version, {
      upgrade(db, oldVersion, newVersion, tx) {
        for (let v = oldVersion; v < (newVersion ?? version); v++) migrations[v](db, tx);
      },
      blocked() {
        options.onBlocked?.();
      },
      blocking() {
        options.onVersionChange?.();
        db.close();
      },
    });
    return db;
  } catch (e) {
    if (e instanceof DOMException && e.name === 'VersionError') {
      throw new StudioError({
        family: 'storage',
        code: 'version',
        message: 'The stored data was written by a newer version of TinyML Studio.',
        remedy: 'Reload the page to get the newest version of the app.',
        cause: e,
      });
    }
    throw new StudioError({
      family: 'storage',
      code: 'open-failed',
      message: `The local database could not be opened (${e instanceof Error ? e.message : String(e)}).`,
      remedy: 'Close other tabs of the studio and reload. If it persists, check that the browser allows site data.',
      cause: e,
    });
  }
}
