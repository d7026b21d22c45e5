/**
 * How the phone is held, from where gravity points in its accelerometer readings. DOM-free core module.
 *
 * At rest accelerationIncludingGravity points away from the earth (a phone face up on a table reads
 * accZ ≈ +9.8 m/s²), so the axis with the largest mean reading and its sign say which side faces up.
 * Shown while recording so every sample is recorded the way the model will later be used.
 */
export type Hold = 'face-up' | 'face-down' | 'portrait' | 'portrait-upside-down' | 'landscape-left' | 'landscape-right' | 'moving';

export const HOLD_TEXT: Record<Hold, string> = {
  'face-up': 'flat, screen up',
  'face-down': 'flat, screen down',
  portrait: 'upright (portrait)',
  'portrait-upside-down': 'upside down (portrait)',
  'landscape-left': 'sideways, left edge down (landscape)',
  'landscape-right': 'sideways, right edge down (landscape)',
  moving: 'moving — no steady direction of gravity',
};

/**
 * The hold from interleaved frames whose first three axes are accX/Y/Z (m/s²). "moving" when the mean
 * is far from 1 g or no axis clearly dominates (the dominant one must carry ≥ 80 % of the magnitude, i.e. within ≈ 37° of it).
 */
export function holdFromFrames(frames: ArrayLike<number>, axes: number): Hold {
  const n = Math.floor(frames.length / axes);
  if (n === 0 || axes < 3) return 'moving';
  let x = 0, y = 0, z = 0;
  for (let i = 0; i < n; i++) {
    x += frames[i * axes];
    y += frames[i * axes + 1];
    z += frames[i * axes + 2];
  }
  x /= n; y /= n; z /= n;
  const mag = Math.hypot(x, y, z);
  if (!(mag > 6 && mag < 14)) return 'moving';
  const ax = Math.abs(x), ay = Math.abs(y), az = Math.abs(z);
  const top = Math.max(ax, ay, az);
  if (top < 0.8 * mag) return 'moving';
  if (top === az) return z > 0 ? 'face-up' : 'face-down';
  if (top === ay) return y > 0 ? 'portrait' : 'portrait-upside-down';
  return x > 0 ? 'landscape-left' : 'landscape-right';
}
