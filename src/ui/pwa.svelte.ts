/**
 * Service worker registration through workbox-window: offline readiness and the
 * "new version available — reload" prompt. UI module.
 */
import { Workbox } from 'workbox-window';

class PwaState {
  offlineReady = $state(false);
  updateAvailable = $state(false);
  private wb: Workbox | null = null;

  register(): void {
    if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
    const wb = new Workbox(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL });
    this.wb = wb;
    wb.addEventListener('waiting', () => {
      this.updateAvailable = true;
    });
    wb.addEventListener('activated', (e) => {
      if (!e.isUpdate) this.offlineReady = true;
    });
    wb.addEventListener('controlling', (e) => {
      if (e.isUpdate) location.reload();
    });
    wb.register()
      .then(async (reg) => {
        if (reg?.active && navigator.serviceWorker.controller) this.offlineReady = true;
      })
      .catch(() => undefined);
  }

  /** Activates the waiting service worker; the page reloads once it controls it. */
  applyUpdate(): void {
    this.wb?.messageSkipWaiting();
  }
}

export const pwa = new PwaState();
