/**
 * Ground truth for calibration as an Audacity label track: one keyword per line, `start<TAB>end<TAB>label`
 * in seconds (Audacity's File → Export → Labels; a point label has start = end). Lines starting with
 * `\` (Audacity's frequency ranges), `#` comments and blank lines are skipped; spaces may separate
 * the fields. A point label (or an end before the start) gets a one-second span, the impulse's usual
 * window. Writing gives the same format, so a synthesized track's onsets can be saved next to its WAV.
 * DOM-free core module.
 */
import { StudioError } from '../../core/errors.ts';
import { echo } from '../../core/echo.ts';
import type { KeywordEvent } from './calibration.ts';

const MAX_LINES = 200_000;

function bad(line: number, text: string, why: string): StudioError {
  return new StudioError({
    family: 'import',
    code: 'bad-truth-labels',
    message: `Label track line ${line} ${echo(text)}: ${why}.`,
    remedy: 'Use an Audacity label track: start, end (seconds) and the keyword per line, separated by tabs.',
  });
}

export function parseLabelTrack(text: string): KeywordEvent[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > MAX_LINES) throw bad(MAX_LINES + 1, '', `more than ${MAX_LINES} lines`);
  const out: KeywordEvent[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('\\') || line.startsWith('#')) return;
    const m = /^(\S+)\s+(\S+)\s+(.+)$/.exec(line);
    if (!m) throw bad(i + 1, raw, 'expected start, end and a label');
    const start = Number(m[1]);
    const end = Number(m[2]);
    if (!Number.isFinite(start) || start < 0 || !Number.isFinite(end) || end < 0) throw bad(i + 1, raw, 'start and end must be seconds (0 or more)');
    const label = m[3].trim();
    out.push({ label, startMs: start * 1000, endMs: end > start ? end * 1000 : start * 1000 + 1000 });
  });
  return out.sort((a, b) => a.startMs - b.startMs);
}

export function writeLabelTrack(events: KeywordEvent[]): string {
  return events.map((e) => `${(e.startMs / 1000).toFixed(3)}\t${(e.endMs / 1000).toFixed(3)}\t${e.label.replace(/[\r\n\t]/g, ' ')}\n`).join('');
}
