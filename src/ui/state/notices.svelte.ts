/** Messages shown to the person: errors with a remedy, confirmations, undo offers. UI module. */
import { isCancelled, StudioError } from '../../core/errors.ts';

export interface Notice {
  id: number;
  kind: 'error' | 'info' | 'success' | 'warning';
  title: string;
  text: string;
  action?: { label: string; run: () => void };
  sticky?: boolean;
}

class Notices {
  list = $state<Notice[]>([]);
  private next = 1;

  push(n: Omit<Notice, 'id'>): number {
    const id = this.next++;
    this.list = [...this.list, { ...n, id }];
    if (!n.sticky) setTimeout(() => this.dismiss(id), n.kind === 'error' ? 15000 : 6000);
    return id;
  }

  dismiss(id: number): void {
    this.list = this.list.filter((n) => n.id !== id);
  }

  error(e: unknown, title = 'Something went wrong'): void {
    if (e instanceof StudioError) {
      if (isCancelled(e)) return;
      this.push({ kind: 'error', title, text: e.describe() });
    } else {
      this.push({ kind: 'error', title, text: e instanceof Error ? e.message : String(e) });
    }
    console.error(e);
  }

  info(text: string, title = ''): void {
    this.push({ kind: 'info', title, text });
  }
}

export const notices = new Notices();
