/** Storage use, quota and persistence of the site's data. DOM-free core module (StorageManager). */
export interface StorageStatus {
  usedBytes: number | null;
  quotaBytes: number | null;
  persisted: boolean | null;
}

export async function storageStatus(): Promise<StorageStatus> {
  const sm = (globalThis.navigator as Navigator | undefined)?.storage;
  if (!sm?.estimate) return { usedBytes: null, quotaBytes: null, persisted: null };
  const [est, persisted] = await Promise.all([sm.estimate(), sm.persisted ? sm.persisted() : Promise.resolve(null)]);
  return { usedBytes: est.usage ?? null, quotaBytes: est.quota ?? null, persisted };
}

/** Asks the browser to keep this site's data under storage pressure; returns whether it agreed. */
export async function requestPersistence(): Promise<boolean | null> {
  const sm = (globalThis.navigator as Navigator | undefined)?.storage;
  if (!sm?.persist) return null;
  try {
    return await sm.persist();
  } catch {
    return false;
  }
}

export function formatBytes(n: number | null): string {
  if (n === null) return '?';
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
