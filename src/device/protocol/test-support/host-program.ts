/**
 * Test support (Node only, not a core module): builds the g++ host program of the firmware
 * (firmware/host) into a temp dir and runs it as a `Transport`, so protocol code can be tested against
 * the real C++ core. `kill()` simulates an unplug; a new instance with the same flash file is the board
 * powered up again.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StudioError } from '../../../core/errors.ts';
import type { SerialOpenOptions, Transport, TransportInfo } from '../../transport.ts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const SOURCES = ['firmware/host/main.cpp', 'firmware/src/crc32.cpp', 'firmware/src/cobs.cpp', 'firmware/src/frame.cpp',
  'firmware/src/model_slot.cpp', 'firmware/src/device_core.cpp'];

/** Why the host build cannot run here, or null. */
export function hostBuildSkipReason(): string | null {
  const r = spawnSync('g++', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? null : 'skipped: g++ not found (needed to build firmware/host)';
}

const built = new Map<string, string>();
/**
 * Compiles firmware/host once per test process and variant; returns the binary path. `sanitize`:
 * with AddressSanitizer + UndefinedBehaviorSanitizer, any finding aborts the program (exit ≠ 0).
 */
export function buildHostProgram(opts: { sanitize?: boolean } = {}): string {
  const key = opts.sanitize ? 'asan' : 'plain';
  const have = built.get(key);
  if (have && existsSync(have)) return have;
  const dir = mkdtempSync(join(tmpdir(), 'tinyml-host-'));
  const out = join(dir, 'tinyml_host');
  const extra = opts.sanitize ? ['-g', '-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-fno-omit-frame-pointer'] : [];
  const r = spawnSync('g++', ['-std=c++17', '-O1', '-Wall', '-Wextra', '-Werror', ...extra, '-o', out, ...SOURCES.map((s) => join(repoRoot, s))], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`g++ failed:\n${r.stderr}`);
  built.set(key, out);
  return out;
}

const IMPULSE_SOURCES = ['firmware/host/impulse_main.cpp', 'firmware/src/crc32.cpp', 'firmware/src/cobs.cpp', 'firmware/src/frame.cpp',
  'firmware/src/model_slot.cpp', 'firmware/src/device_core.cpp', 'firmware/src/impulse_descriptor.cpp', 'firmware/src/impulse_runner.cpp'];

/** Compiles firmware/host/impulse_main.cpp (the impulse pipeline up to the int8 tensor) once per test process. */
export function buildImpulseProgram(): string {
  const have = built.get('impulse');
  if (have && existsSync(have)) return have;
  const out = join(mkdtempSync(join(tmpdir(), 'tinyml-impulse-')), 'tinyml_impulse');
  const r = spawnSync('g++', ['-std=c++17', '-O1', '-Wall', '-Wextra', '-Werror', '-o', out, ...IMPULSE_SOURCES.map((s) => join(repoRoot, s))], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`g++ failed:\n${r.stderr}`);
  built.set('impulse', out);
  return out;
}

/** What the impulse program printed for one slot image: its header line, then per window the features (F) and int8 tensor (Q), or the load error (E). */
export interface ImpulseRun { head: number[]; features: number[][]; tensor: number[][]; error?: string; status: number; stderr: string }

/** Runs the impulse program on a slot image and windows (one line of sensor values each). */
export function runImpulseProgram(bin: string, slot: Uint8Array, windows: Float32Array[]): ImpulseRun {
  const path = join(mkdtempSync(join(tmpdir(), 'tinyml-slot-')), 'slot.bin');
  writeFileSync(path, slot);
  const input = windows.map((w) => Array.from(w, (v) => v.toPrecision(9)).join(' ')).join('\n') + '\n';
  const r = spawnSync(bin, [path], { input, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 20_000 });
  const status = r.status ?? -1;
  const lines = r.stdout.trim().split('\n');
  const err = lines.find((l) => l.startsWith('E '));
  if (err) return { head: [], features: [], tensor: [], error: err.slice(2), status, stderr: r.stderr };
  const values = (tag: string) => lines.filter((l) => l.startsWith(tag)).map((l) => l.split(' ').slice(1).map(Number));
  return { head: lines[0].split(' ').slice(1).map(Number), features: values('F'), tensor: values('Q'), status, stderr: r.stderr };
}

/** Why a sanitizer build cannot run here (g++ without libasan/libubsan), or null. */
export function sanitizerSkipReason(): string | null {
  if (hostBuildSkipReason()) return hostBuildSkipReason();
  const dir = mkdtempSync(join(tmpdir(), 'tinyml-asan-probe-'));
  const src = join(dir, 'p.cpp');
  writeFileSync(src, 'int main() { return 0; }\n');
  const r = spawnSync('g++', ['-fsanitize=address,undefined', '-o', join(dir, 'p'), src], { encoding: 'utf8' });
  return r.status === 0 ? null : 'skipped: g++ cannot build with -fsanitize=address,undefined here (libasan/libubsan missing)';
}

/** Runs a byte tool of the host program (`--tool NAME ...`) on `input`. */
export function runHostTool(bin: string, args: string[], input: Uint8Array): { status: number; stdout: Buffer } {
  const r = spawnSync(bin, ['--tool', ...args], { input: Buffer.from(input) });
  return { status: r.status ?? -1, stdout: r.stdout };
}

/** The host program as a Transport (open = spawn, kill = unplug). */
export class HostProgramTransport implements Transport {
  readonly info: TransportInfo = { name: 'firmware host build', simulated: true };
  private proc: ChildProcessWithoutNullStreams | null = null;
  private queue: Uint8Array[] = [];
  private wake: (() => void) | null = null;
  private ended = false;
  private killed = false;
  stderr = '';

  constructor(private readonly bin: string, private readonly flashPath: string, private readonly slotSize = 256 * 1024) {}

  async open(_o: SerialOpenOptions): Promise<void> {
    const p = spawn(this.bin, ['--flash', this.flashPath, '--slot-size', String(this.slotSize)]);
    this.proc = p;
    p.stdout.on('data', (d: Buffer) => {
      this.queue.push(new Uint8Array(d));
      this.wake?.();
    });
    p.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    p.on('exit', () => {
      this.ended = true;
      this.wake?.();
    });
    p.stdin.on('error', () => undefined);
  }

  isOpen(): boolean {
    return this.proc !== null && !this.ended;
  }

  /** Unplug: SIGKILL, the reader throws `disconnected`. */
  kill(): Promise<void> {
    this.killed = true;
    const p = this.proc;
    if (!p || this.ended) return Promise.resolve();
    return new Promise((r) => {
      p.once('exit', () => r());
      p.kill('SIGKILL');
    });
  }

  async close(): Promise<void> {
    const p = this.proc;
    if (!p || this.ended) return;
    await new Promise<void>((r) => {
      p.once('exit', () => r());
      p.stdin.end();
      setTimeout(() => p.kill('SIGKILL'), 500);
    });
  }

  async *readable(): AsyncIterable<Uint8Array> {
    for (;;) {
      while (this.queue.length) yield this.queue.shift()!;
      if (this.ended) {
        if (this.killed) throw new StudioError({ family: 'device', code: 'disconnected', message: 'The board was disconnected.' });
        return;
      }
      await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
    }
  }

  async write(data: Uint8Array): Promise<void> {
    if (!this.proc || this.ended) throw new StudioError({ family: 'device', code: 'disconnected', message: 'The board was disconnected.' });
    this.proc.stdin.write(Buffer.from(data));
  }
}
