/**
 * Finds a Chromium for Playwright: $CHROMIUM_PATH, then the system package (/usr/bin/chromium),
 * then Playwright's own download if one exists. Returns undefined to let Playwright use its own.
 */
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export function chromiumPath(): string | undefined {
  const env = process.env.CHROMIUM_PATH;
  if (env && existsSync(env)) return env;
  return CANDIDATES.find((p) => existsSync(p));
}
