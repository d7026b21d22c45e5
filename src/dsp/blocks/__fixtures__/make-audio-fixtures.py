"""
Independent numpy/scipy reference for the audio blocks (spectrogram, MFE, MFCC).

Writes audio-fixtures.json next to this file. Run from the repository root:
    python3 src/dsp/blocks/__fixtures__/make-audio-fixtures.py
Computed with numpy 2.4 / scipy 1.17. The tests read the committed JSON; they do not run python.

The steps are written from the description of Edge Impulse's audio blocks (implementation v4),
not from our TypeScript (EI's own outputs are checked by audio-ei-reference.test.ts when ../shared is
present): spectrogram without int16 scaling or upper clip, MFE's uint8 wrap of the loudest cells, numpy.roll pre-emphasis, ceil-unless-close frame sizes, np.fft.rfft power
spectrum / fft, HTK mel filterbank with floor((fft+1)·f/fs) edges, scipy.fft.dct(type 2, 'ortho'),
numpy 'symmetric' padding for the local mean/variance normalisation.
"""
import json
import math
import os

import numpy as np
from scipy.fft import dct

FS = 8000
N = 2000  # 0.25 s


def signal_int16():
    t = np.arange(N) / FS
    chirp = np.sin(2 * np.pi * (200 * t + 0.5 * (3000 - 200) / 0.25 * t * t))
    sine = np.sin(2 * np.pi * 440 * t)
    x = 6000 * chirp + 3000 * sine
    x[1200:1400] *= 0.01  # a quiet stretch to exercise the noise floor
    return np.round(x).astype(np.int64)


def ceil_unless_close(v):
    f = math.floor(v)
    return f if (v > f and v - f < 0.001) else math.ceil(v)


def frames_of(sig, frame_length, frame_stride):
    L = ceil_unless_close(FS * frame_length)
    S = ceil_unless_close(FS * frame_stride)
    n = int(math.floor((len(sig) - (L - S)) / S))
    return np.stack([sig[i * S:i * S + L] for i in range(n)])


def power(frames, nfft):
    return np.abs(np.fft.rfft(frames, n=nfft, axis=-1)) ** 2 / nfft


def mel_bank(num, nfft, low, high):
    high = high or FS / 2
    to_mel = lambda f: 1127 * np.log(1 + f / 700.0)
    mels = np.linspace(to_mel(low), to_mel(high), num + 2)
    hz = 700 * (np.exp(mels / 1127.0) - 1)
    hz[-1] -= 0.001
    idx = np.floor((nfft + 1) * hz / FS).astype(int)
    coeffs = nfft // 2 + 1
    bank = np.zeros((num, coeffs))
    for i in range(num):
        l, m, r = idx[i], idx[i + 1], idx[i + 2]
        for b in range(l, r + 1):
            w = 0.0
            if l < b <= m:
                w = (b - l) / (m - l)
            if m <= b < r:
                w = (r - b) / (r - m)
            bank[i, b] = w
    return bank


def norm_db(e, floor_db):
    db = 10 * np.log10(np.clip(e, 1e-30, None))
    return (db - floor_db) / (-floor_db + 12)


def quantise(e, floor_db, wrap):
    v = np.clip(norm_db(e, floor_db), 0, 1)
    q = np.around(v * 256)  # numpy rounds half to even
    q = np.where(q >= 256, 0 if wrap else 255, q)  # EI's uint8 cast wraps 256 to 0
    return (q / 256).astype(np.float32)


def spectrogram(x, p):
    sig = x.astype(np.float64)  # v4: int16 values as they are
    sig = sig - p['pre-cof'] * np.roll(sig, 1)
    pw = power(frames_of(sig, p['frame-length'], p['frame-stride']), p['fft-length'])
    return np.clip(norm_db(pw, p['noise-floor-db']), 0, None).astype(np.float32)  # no upper clip


def mfe(x, p):
    sig = (x / 2 ** 15).astype(np.float32)
    sig = sig - np.float32(p['pre-cof']) * np.roll(sig, 1)  # float32, as EI
    sig = sig.astype(np.float64)
    pw = power(frames_of(sig, p['frame-length'], p['frame-stride']), p['fft-length'])
    e = pw @ mel_bank(p['num-filters'], p['fft-length'], p['low-frequency'], p['high-frequency']).T
    e = np.where(e == 0, 1e-10, e)
    return quantise(e, p['noise-floor-db'], p['loudest-cells'] == 'wrap')


def mfcc(x, p):
    sig = x.astype(np.float64)
    sig = sig - p['pre-cof'] * np.roll(sig, p['pre-shift'])
    pw = power(frames_of(sig, p['frame-length'], p['frame-stride']), p['fft-length'])
    energy = pw.sum(axis=1)
    energy = np.where(energy == 0, 1e-10, energy)
    e = pw @ mel_bank(p['num-filters'], p['fft-length'], p['low-frequency'], p['high-frequency']).T
    e = np.where(e == 0, 1e-10, e)
    c = dct(np.log(e), type=2, axis=-1, norm='ortho')[:, :p['num-cepstral']]  # at most num-filters
    c[:, 0] = np.log(energy)
    w = p['win-size']
    if w > 0:
        pad = (w - 1) // 2
        rows = c.shape[0]
        vp = np.pad(c, ((pad, pad), (0, 0)), 'symmetric')
        ms = np.zeros(c.shape, dtype=np.float32)
        for i in range(rows):
            ms[i] = c[i] - np.mean(vp[i:i + w], axis=0)
        vp2 = np.pad(ms, ((pad, pad), (0, 0)), 'symmetric')
        out = np.zeros(c.shape, dtype=np.float32)
        for i in range(rows):
            out[i] = ms[i] / (np.std(vp2[i:i + w], axis=0) + 1e-10)
        c = out
    return c


def main():
    x = signal_int16()
    x_loud = np.clip(x * 3.5, -32768, 32767).astype(np.int64)
    cases = []
    spec_p = {'frame-length': 0.016, 'frame-stride': 0.016, 'fft-length': 128, 'noise-floor-db': -60, 'pre-cof': 0.0}
    spec_p2 = dict(spec_p, **{'pre-cof': 0.9, 'noise-floor-db': -20, 'frame-length': 0.0255, 'frame-stride': 0.0123, 'fft-length': 256})
    mfe_p = {'frame-length': 0.02, 'frame-stride': 0.01, 'num-filters': 32, 'low-frequency': 0, 'high-frequency': 0,
             'fft-length': 256, 'noise-floor-db': -52, 'pre-cof': 0.98, 'loudest-cells': 'wrap'}
    mfe_p2 = dict(mfe_p, **{'num-filters': 20, 'low-frequency': 300, 'high-frequency': 3500, 'fft-length': 512, 'noise-floor-db': -72})
    # a loud input with long frames reaches the top of the range (+12 dB): EI wraps those cells to 0
    mfe_p3 = dict(mfe_p, **{'frame-length': 0.05, 'frame-stride': 0.025, 'fft-length': 512})
    mfe_p4 = dict(mfe_p3, **{'loudest-cells': 'saturate'})
    mfcc_p = {'num-cepstral': 13, 'frame-length': 0.02, 'frame-stride': 0.02, 'num-filters': 32, 'low-frequency': 0,
              'high-frequency': 0, 'fft-length': 256, 'win-size': 0, 'pre-cof': 0.98, 'pre-shift': 1}
    mfcc_p2 = dict(mfcc_p, **{'win-size': 101})
    mfcc_p3 = dict(mfcc_p, **{'win-size': 5, 'num-cepstral': 10, 'num-filters': 24})
    mfcc_p4 = dict(mfcc_p, **{'win-size': 7, 'num-cepstral': 30, 'num-filters': 20, 'pre-shift': 3, 'pre-cof': 0.9})
    for block, fn, p in [('spectrogram', spectrogram, spec_p), ('spectrogram', spectrogram, spec_p2),
                         ('mfe', mfe, mfe_p), ('mfe', mfe, mfe_p2), ('mfe', mfe, mfe_p3), ('mfe', mfe, mfe_p4),
                         ('mfcc', mfcc, mfcc_p), ('mfcc', mfcc, mfcc_p2), ('mfcc', mfcc, mfcc_p3), ('mfcc', mfcc, mfcc_p4)]:
        loud = p is mfe_p3 or p is mfe_p4
        out = fn(x_loud if loud else x, p)
        cases.append({'block': block, 'input': 'loud' if loud else 'input', 'params': p, 'shape': list(out.shape),
                      'output': [float('%.7g' % v) for v in out.flatten()]})
    data = {'comment': 'Generated by make-audio-fixtures.py (numpy %s); chirp 200->3000 Hz + 440 Hz sine, int16 scale, 8 kHz.' % np.__version__,
            'frequencyHz': FS, 'input': x.tolist(), 'loud': x_loud.tolist(), 'cases': cases}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'audio-fixtures.json')
    with open(path, 'w') as f:
        json.dump(data, f, separators=(',', ':'))


if __name__ == '__main__':
    main()
