/**
 * One owner of the serial port: a scan of src/ (app code, not tests or test-support) for the ways a
 * module could open a serial port or a protocol link of its own. Only the connection manager's stream
 * opener opens a port for streaming and makes the protocol client; the Transport implementations
 * define `open`; the 1200-baud touch opens the port the manager released (at 1200 baud, to reboot
 * the board). Everything else asks the manager (src/device/connection-manager.ts).
 */
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('..', import.meta.url));

/** App source files under src/, relative paths with '/'. */
function appSources(): { rel: string; text: string }[] {
  const out: { rel: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'test-support') walk(p);
      } else if (/\.(ts|svelte)$/.test(e.name) && !/\.test\.ts$/.test(e.name)) {
        out.push({ rel: relative(SRC, p).split('\\').join('/'), text: readFileSync(p, 'utf8') });
      }
    }
  };
  walk(SRC);
  return out;
}

/** Files whose code (comments stripped) matches `re`. */
function using(files: { rel: string; text: string }[], re: RegExp): string[] {
  const code = (t: string) => t.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  return files.filter((f) => re.test(code(f.text))).map((f) => f.rel).sort();
}

describe('one owner of the serial port', () => {
  const files = appSources();

  it('the scan sees the app (and would see an offender)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.map((f) => f.rel)).toEqual(expect.arrayContaining(['device/connection-manager.ts', 'deploy/board-connection.ts', 'ui/state/deploy.svelte.ts']));
    expect(using([{ rel: 'x.ts', text: 'await port.open({ baudRate: 115200 });' }], SERIAL_OPEN)).toEqual(['x.ts']);
    expect(using([{ rel: 'x.ts', text: '// port.open({ baudRate: 115200 })' }], SERIAL_OPEN)).toEqual([]);
  });

  it('serial ports are opened only by the manager\'s stream opener, the Web Serial transport and the 1200-baud touch', () => {
    expect(using(files, SERIAL_OPEN)).toEqual(['deploy/touch-1200.ts', 'device/connection.ts', 'device/webserial/webserial-transport.ts']);
  });

  it('the protocol client is made only for the manager\'s stream; nothing else opens a device stream or a link', () => {
    expect(using(files, /\bnew DeviceClient\(/)).toEqual(['device/connection.ts']);
    expect(using(files, /\bopenDeviceStream\)?\(/)).toEqual(['device/connection-manager.ts', 'device/connection.ts']);
    expect(using(files, /\bopenBoardLink\b|board-link\.ts/)).toEqual([]);
  });

  it('one connection manager for the app, and one place that makes simulated boards', () => {
    expect(using(files, /\bnew ConnectionManager\(/)).toEqual(['ui/state/device.svelte.ts']);
    expect(using(files, /\bnew SimulatedBoard\(/)).toEqual(['device/sim-setup.ts']);
  });
});

/** `x.open({ baudRate … })`: opening a serial port (Web Serial port or a Transport). */
const SERIAL_OPEN = /\.open\(\s*\{\s*baudRate\b/;
