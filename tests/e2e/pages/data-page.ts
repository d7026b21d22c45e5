/** Page object for the Data step: import, sample view (crop, split), rebalance, export, stored values. */
import { expect, type Download, type Page } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface StoredSample {
  id: string;
  name: string;
  label: string;
  category: string;
  length: number;
  intervalMs: number;
  axes: string[];
  units: string[];
  /** The Float32 values' bytes, base64: equal strings mean bit-identical values. */
  bits: string;
}

export class DataPage {
  constructor(readonly page: Page) {}

  /** Every file of a folder (not recursive), for setInputFiles. */
  static folderFiles(dir: string): string[] {
    return readdirSync(dir)
      .filter((f) => !f.startsWith('.'))
      .sort()
      .map((f) => join(dir, f));
  }

  async open(): Promise<void> {
    await this.page.locator('nav button[data-step="data"]').click();
    await expect(this.page.getByTestId('import-files')).toBeVisible();
  }

  /** Chooses files with the file input and waits for the preview (or an error message). */
  async chooseFiles(paths: string[] | { name: string; mimeType: string; buffer: Buffer }[]): Promise<void> {
    const discard = this.page.getByTestId('import-discard');
    if (await discard.isVisible()) await discard.click();
    const msg = this.page.getByTestId('data-message');
    if (await msg.isVisible()) await msg.getByRole('button', { name: 'Dismiss message' }).click();
    await expect(this.page.getByTestId('import-preview')).toHaveCount(0);
    await expect(msg).toHaveCount(0);
    await this.page.getByTestId('import-files').setInputFiles(paths as string[]);
    await expect(this.page.getByTestId('import-preview').or(this.page.getByTestId('data-message')).first()).toBeVisible({ timeout: 60_000 });
    await expect(this.page.getByTestId('import-parsing')).toHaveCount(0, { timeout: 60_000 });
  }

  /** Recording count per label in the preview. */
  async previewLabels(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    const rows = this.page.getByTestId('preview-label');
    for (let i = 0; i < (await rows.count()); i++) {
      out[(await rows.nth(i).getAttribute('data-label')) ?? ''] = Number(await rows.nth(i).getAttribute('data-count'));
    }
    return out;
  }

  async previewSplit(): Promise<{ training: number; testing: number }> {
    const el = this.page.getByTestId('preview-split');
    return { training: Number(await el.getAttribute('data-training')), testing: Number(await el.getAttribute('data-testing')) };
  }

  /** Presses Import and waits for the success message. */
  async commit(): Promise<void> {
    await this.page.getByTestId('import-commit').click();
    await expect(this.page.getByTestId('data-message')).toHaveAttribute('data-kind', 'success', { timeout: 60_000 });
    await expect(this.page.getByTestId('import-preview')).toHaveCount(0);
  }

  async importFiles(paths: string[]): Promise<void> {
    await this.chooseFiles(paths);
    await this.commit();
  }

  /** Number of sample rows the list shows (all filters off). */
  async shownCount(): Promise<number> {
    return Number(await this.page.getByRole('grid', { name: 'Samples' }).getAttribute('aria-rowcount'));
  }

  async openSample(label: string, nth = 0): Promise<void> {
    await this.page.locator(`[data-testid="sample-row"][data-label="${label}"]`).nth(nth).getByTestId('sample-open').click();
    await expect(this.page.getByTestId('sample-plot')).toBeVisible();
  }

  /** Drags across the sample plot from one fraction of its width to another. */
  async dragSelect(from: number, to: number): Promise<void> {
    const over = this.page.getByTestId('sample-plot').locator('.u-over');
    await over.scrollIntoViewIfNeeded();
    const box = await over.boundingBox();
    if (!box) throw new Error('plot not visible');
    const y = box.y + box.height / 2;
    await this.page.mouse.move(box.x + box.width * from, y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + box.width * ((from + to) / 2), y, { steps: 4 });
    await this.page.mouse.move(box.x + box.width * to, y, { steps: 4 });
    await this.page.mouse.up();
  }

  async exportDownload(kind: 'project' | 'ei-json' | 'csv', scope: 'all' | 'selection' = 'all'): Promise<Download> {
    await this.page.getByTestId('export-kind').selectOption(kind);
    if (scope === 'selection') await this.page.getByLabel(/Selected samples/).check();
    const [dl] = await Promise.all([this.page.waitForEvent('download', { timeout: 60_000 }), this.page.getByTestId('export-start').click()]);
    return dl;
  }

  async currentProjectId(): Promise<string> {
    return this.page.evaluate(() => localStorage.getItem('tinyml-studio.last-project') ?? '');
  }

  /** Every stored sample of a project, read straight from IndexedDB. */
  async stored(projectId?: string): Promise<StoredSample[]> {
    const pid = projectId ?? (await this.currentProjectId());
    return this.page.evaluate(async (pid) => {
      const db = await new Promise<IDBDatabase>((res, rej) => {
        const r = indexedDB.open('tinyml-studio');
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      const req = <T>(r: IDBRequest<T>) =>
        new Promise<T>((res, rej) => {
          r.onsuccess = () => res(r.result);
          r.onerror = () => rej(r.error);
        });
      const tx = db.transaction(['samples', 'sampleData', 'sampleChunks']);
      type Meta = { id: string; sourceName?: string; label: string; category: string; length: number; intervalMs: number; axes: { name: string; units: string }[]; complete: boolean };
      const metas = (await req(tx.objectStore('samples').index('by-project').getAll(pid))) as Meta[];
      const out = [];
      for (const m of metas) {
        if (!m.complete) continue;
        // values as chunks (schema 3) or, for samples stored before, one value
        const parts = (await req(tx.objectStore('sampleChunks').getAll(IDBKeyRange.bound([m.id, -Infinity], [m.id, Infinity])))) as { values: Float32Array }[];
        const d = parts.length ? undefined : ((await req(tx.objectStore('sampleData').get(m.id))) as { values: Float32Array } | undefined);
        const v = parts.length ? new Float32Array(parts.reduce((n, c) => n + c.values.length, 0)) : (d?.values ?? new Float32Array(0));
        for (let i = 0, off = 0; parts.length && i < parts.length; off += parts[i].values.length, i++) v.set(parts[i].values, off);
        const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
        let s = '';
        for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        out.push({
          id: m.id,
          name: m.sourceName ?? m.id,
          label: m.label,
          category: m.category,
          length: m.length,
          intervalMs: m.intervalMs,
          axes: m.axes.map((a) => a.name),
          units: m.axes.map((a) => a.units),
          bits: btoa(s),
        });
      }
      db.close();
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    }, pid);
  }
}

/** Float32 values from a StoredSample's bits. */
export function valuesOf(s: StoredSample): Float32Array {
  const b = Buffer.from(s.bits, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
