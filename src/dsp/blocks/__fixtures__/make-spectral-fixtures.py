"""
Self-made spectral-analysis fixtures: synthetic windows run through Edge Impulse's own
spectral_analysis block (github:edgeimpulse/processing-blocks, spectral_analysis/dsp.py at commit
9b0ceb2, implementation version 4) with numpy 2.4.6 and scipy 1.17.1.

Usage: python3 make-spectral-fixtures.py <path to an extracted spectral_analysis folder>
(peakutils and pywt are only used by implementation v1 / wavelets; stub them if not installed).
Writes spectral-fixtures.json next to this file; the tests read that JSON and never run python.
"""
import sys, json, os
EI = sys.argv[1]
sys.path.insert(0, os.path.join(EI, 'stubs'))
sys.path.insert(0, EI)
import numpy as np
import dsp
def synth(n, axes, fs, seed):
    rng = np.random.default_rng(seed)
    t = np.arange(n) / fs
    cols = []
    for a in range(axes):
        cols.append(np.round(np.sin(2*np.pi*(1.7+2.3*a)*t)*(1+a) + 0.3*np.sin(2*np.pi*11.1*t+a) + rng.normal(0, 0.2, n) + (9.81 if a==2 else 0), 3))
    return np.stack(cols, axis=1)
base = dict(scale_axes=1.0, input_decimation_ratio=1, filter_type='none', filter_cutoff=3.0, filter_order=6, analysis_type='FFT',
            fft_length=16, spectral_peaks_count=3, spectral_peaks_threshold=0.1, spectral_power_edges='0.1, 0.5, 1.0, 2.0, 5.0',
            do_log=True, do_fft_overlap=True, wavelet_level=1, wavelet='db4', extra_low_freq=False)
cases = []
specs = [
  ('defaults', 62.5, 125, 3, {}),
  ('fft32 scale2 nolog', 62.5, 125, 3, dict(fft_length=32, scale_axes=2.0, do_log=False)),
  ('lowpass 8hz order4 fft64', 100, 200, 2, dict(filter_type='low', filter_cutoff=8.0, filter_order=4, fft_length=64)),
  ('highpass 2hz order2 no-overlap', 100, 150, 2, dict(filter_type='high', filter_cutoff=2.0, filter_order=2, do_fft_overlap=False)),
  ('decimate10 lowpass', 500, 600, 1, dict(input_decimation_ratio=10, filter_type='low', filter_cutoff=5.0, filter_order=6)),
  ('extra-low-freq', 100, 300, 2, dict(extra_low_freq=True)),
]
for name, fs, n, axes, over in specs:
    raw = synth(n, axes, fs, len(cases)+1)
    kw = dict(base, **over)
    r = dsp.generate_features(4, False, raw.flatten(), ['a%d'%i for i in range(axes)], fs, **kw)
    cases.append(dict(name=name, fs=fs, axes=axes, params={k.replace('_','-'):v for k,v in over.items()}, input=raw.flatten().tolist(), features=r['features'], labels=r['labels']))
json.dump(cases, open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'spectral-fixtures.json'), 'w'), separators=(',', ':'))
for c in cases: print(c['name'], len(c['input']), len(c['features']), c['labels'][:7])
