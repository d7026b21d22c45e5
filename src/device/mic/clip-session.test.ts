import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openStudioDb } from '../../data/store/open-db.ts';
import { StudioStore } from '../../data/store/studio-store.ts';
import { VirtualClock } from '../../core/clock.ts';
import { GeneratedAudioInput } from './fake-input.ts';
import { openMicStream } from './mic-stream.ts';
import { ClipSession, type ClipSessionState } from './clip-session.ts';

async function setup(signal: (t: number) => number) {
  const store = new StudioStore(await openStudioDb({ name: `clips-${Math.random()}` }));
  const project = await store.createProject('Keywords');
  const clock = new VirtualClock({ autoAdvance: true });
  const mic = new GeneratedAudioInput(48000, signal);
  const stream = await openMicStream(mic, { clock });
  mic.play(clock, 20);
  return { store, project, clock, mic, stream };
}

function rms(x: Float32Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s / x.length);
}

describe('ClipSession (N one-second clips with a count-down)', () => {
  it('counts down, then records each clip after its count-down, and saves them all', async () => {
    // silent during the first count-down: a clip that started early would begin with silence
    const { store, project, clock, stream } = await setup((t) => (t >= 2 ? 0.5 * Math.sin(2 * Math.PI * 700 * t) : 0));
    const log: string[] = [];
    const session = new ClipSession(store, stream, {
      projectId: project.id,
      label: ' yes ',
      count: 3,
      countdownS: 2,
      clock,
      onChange: (s: ClipSessionState) => {
        const e = `${s.phase}${s.phase === 'countdown' ? s.countdown : ''}#${s.clip}@${Math.round(clock.now() / 100) / 10}`;
        if (log.at(-1) !== e && s.phase !== 'recording') log.push(e);
        else if (s.phase === 'recording' && !log.at(-1)?.startsWith('recording')) log.push(e);
      },
    });
    const saved = await session.run();
    await stream.close();
    expect(saved).toHaveLength(3);
    expect(session.state.phase).toBe('done');
    expect(log.slice(0, 3)).toEqual(['countdown2#0@0', 'countdown1#0@1', 'recording#0@2']);
    // the next count-down follows the clip (1 s of audio, plus the store's writes in virtual time)
    expect(log[3]).toMatch(/^countdown2#1@3(\.[0-4])?$/);
    const samples = await store.listSamples(project.id);
    expect(samples.map((s) => [s.label, s.length, s.intervalMs])).toEqual([0, 1, 2].map(() => ['yes', 16000, 1000 / 16000]));
    for (const m of saved) {
      const s = await store.getSample(m.id);
      // all of each clip is the tone (RMS 0.5/√2 full scale), from its first 10 ms on
      expect(rms(s!.values.subarray(160)) / ((0.5 * 32768) / Math.SQRT2)).toBeCloseTo(1, 2);
      expect(rms(s!.values.subarray(0, 160))).toBeGreaterThan(0.3 * 32768);
    }
  });

  it('cancels mid-clip: the partial clip is deleted, the saved ones stay', async () => {
    const { store, project, clock, stream } = await setup((t) => 0.3 * Math.sin(2 * Math.PI * 300 * t));
    let session: ClipSession | null = null;
    session = new ClipSession(store, stream, {
      projectId: project.id,
      label: 'no',
      count: 5,
      countdownS: 1,
      clock,
      onChange: (s) => {
        if (s.phase === 'recording' && s.clip === 1 && s.capturedMs > 400) session?.cancel();
      },
    });
    const saved = await session.run();
    expect(saved).toHaveLength(1);
    expect(session.state.phase).toBe('cancelled');
    expect(await store.countSamples(project.id)).toBe(1);
    await stream.close();
  });

  it('ends with a clear error when the microphone goes away, keeping the saved clips', async () => {
    const { store, project, clock, mic, stream } = await setup((t) => 0.3 * Math.sin(2 * Math.PI * 300 * t));
    const session = new ClipSession(store, stream, {
      projectId: project.id,
      label: 'go',
      count: 4,
      countdownS: 0,
      clock,
      onChange: (s) => {
        if (s.clip === 2 && s.capturedMs > 300) mic.unplug();
      },
    });
    const saved = await session.run();
    expect(saved).toHaveLength(2);
    expect(session.state).toMatchObject({ phase: 'failed', error: { code: 'mic-ended' } });
    expect(await store.countSamples(project.id)).toBe(2);
  });

  it('refuses an empty label or a bad count', async () => {
    const { store, project, stream } = await setup(() => 0);
    expect(() => new ClipSession(store, stream, { projectId: project.id, label: '  ', count: 3 })).toThrow(/label/);
    expect(() => new ClipSession(store, stream, { projectId: project.id, label: 'x', count: 0 })).toThrow(/0 clips/);
    await stream.close();
  });
});
