/**
 * Writes `model.h`: the int8 model as an `alignas(16)` byte array with its length, the labels, the
 * input/output quantization parameters, the input standardisation (kFeatureMean / kFeatureStd, when
 * the impulse has one: the model takes (feature − mean) / std) and the impulse's window and DSP
 * settings as constants, for TensorFlow Lite Micro firmware. DOM-free core module.
 */
import { StudioError } from '../../core/errors.ts';
import type { ImpulseConfig, ParamValue, QuantParams } from '../../core/impulse.ts';
import { checkNormalization } from '../models/input-normalization.ts';
import { readTflite } from '../tflite/reader.ts';
import { planArena } from './estimate.ts';

export interface CHeaderInput {
  tflite: Uint8Array;
  impulse: ImpulseConfig;
  /** Defaults to impulse.quantization. */
  input?: QuantParams;
  output?: QuantParams;
  /** C identifier prefix for the array; default `model`. */
  name?: string;
  /**
   * Only the declarations: no include guard, no #include lines (for embedding in another header,
   * e.g. inside a namespace, which then includes <stddef.h> and <stdint.h> itself).
   */
  bare?: boolean;
}

/** A C string literal (escapes quotes, backslashes and non-printable bytes). */
export function cString(s: string): string {
  let out = '"';
  for (const b of new TextEncoder().encode(s)) {
    if (b === 0x22) out += '\\"';
    else if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b < 0x7f && b !== 0x3f) out += String.fromCharCode(b);
    else out += `\\${b.toString(8).padStart(3, '0')}`; // octal escape; '?' escaped to avoid trigraphs
  }
  return out + '"';
}

/** A C identifier from any text. */
export function cIdentifier(s: string): string {
  const id = s.replace(/[^A-Za-z0-9_]/g, '_').replace(/^([0-9])/, '_$1');
  return id || 'model';
}

/** A float literal that round-trips the float32 value. */
export function cFloat(v: number): string {
  if (!Number.isFinite(v)) throw new StudioError({ family: 'model', code: 'export-bad-value', message: `Cannot write ${v} into a C header.`, remedy: 'Quantize the model again.' });
  const f = Math.fround(v);
  let s = f.toPrecision(9);
  if (!/[.e]/.test(s)) s += '.0';
  return `${s}f`;
}

function paramLiteral(v: ParamValue): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : cFloat(v);
  return cString(v);
}

/** The byte array body, 12 bytes per line. */
export function cByteArray(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 12) {
    const chunk = Array.from(bytes.subarray(i, i + 12), (b) => `0x${b.toString(16).padStart(2, '0')}`);
    lines.push(`  ${chunk.join(', ')},`);
  }
  return lines.join('\n');
}

/** A float array body, 6 values per line. */
export function cFloatArray(values: number[]): string {
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += 6) lines.push(`  ${values.slice(i, i + 6).map(cFloat).join(', ')},`);
  return lines.join('\n');
}

/** Samples per window: round(window ms × Hz / 1000). */
export function windowSamples(impulse: ImpulseConfig): number {
  return Math.round((impulse.windowing.windowMs * impulse.windowing.frequencyHz) / 1000);
}

export function makeCHeader(inp: CHeaderInput): string {
  const model = readTflite(inp.tflite);
  const input = inp.input ?? inp.impulse.quantization?.input;
  const output = inp.output ?? inp.impulse.quantization?.output;
  if (!input || !output) {
    throw new StudioError({
      family: 'model',
      code: 'export-no-quantization',
      message: 'The C header needs the int8 input and output quantization parameters.',
      remedy: 'Quantize the model (int8) before exporting the C header.',
    });
  }
  const name = cIdentifier(inp.name ?? 'model');
  const NAME = name.toUpperCase();
  const sg = model.subgraphs[0];
  const inT = sg.tensors[sg.inputs[0]];
  const outT = sg.tensors[sg.outputs[0]];
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const labels = inp.impulse.labels;
  const w = inp.impulse.windowing;
  const arena = planArena(model).totalBytes;
  // Headroom over the estimate: the exact figure depends on the TFLM version and the MCU.
  const arenaSize = Math.ceil((arena * 1.25 + 1024) / 1024) * 1024;
  const dsp = inp.impulse.dsp;
  const dspLines = Object.keys(dsp.params)
    .sort()
    .map((k) => `#define IMPULSE_DSP_${cIdentifier(k).toUpperCase()} ${paramLiteral(dsp.params[k])}`);
  const guard = `${NAME}_H_`;
  const norm = inp.impulse.normalization;
  if (norm) checkNormalization(norm, size(inT.shape));
  const normLines = norm
    ? `// The model takes standardised features: x = (feature[i] - kFeatureMean[i]) / kFeatureStd[i] in
// float32, then quantized with ${NAME}_INPUT_SCALE / ${NAME}_INPUT_ZERO_POINT.
#define ${NAME}_INPUT_STANDARDIZED 1
static const float kFeatureMean[${NAME}_INPUT_SIZE] = {
${cFloatArray(norm.mean)}
};
static const float kFeatureStd[${NAME}_INPUT_SIZE] = {
${cFloatArray(norm.std)}
};`
    : `// The model takes the DSP features as they are (no standardisation).
#define ${NAME}_INPUT_STANDARDIZED 0`;
  const body = `// ---- Model tensors ----
#define ${NAME}_INPUT_SIZE ${size(inT.shape)}
#define ${NAME}_OUTPUT_SIZE ${size(outT.shape)}
// real = scale * (q - zero_point); firmware quantizes features with the input parameters.
#define ${NAME}_INPUT_SCALE ${cFloat(input.scale)}
#define ${NAME}_INPUT_ZERO_POINT ${input.zeroPoint}
#define ${NAME}_OUTPUT_SCALE ${cFloat(output.scale)}
#define ${NAME}_OUTPUT_ZERO_POINT ${output.zeroPoint}
// Planned arena ${arena} bytes (greedy lifetime plan + runtime data), with headroom:
#define ${NAME}_TENSOR_ARENA_SIZE ${arenaSize}

// ---- Input standardisation ----
${normLines}

// ---- Labels ----
#define ${NAME}_LABEL_COUNT ${labels.length}
static const char* const ${name}_labels[${NAME}_LABEL_COUNT > 0 ? ${NAME}_LABEL_COUNT : 1] = {${labels.length ? labels.map(cString).join(', ') : '""'}};

// ---- Impulse: windowing ----
#define IMPULSE_WINDOW_MS ${w.windowMs}
#define IMPULSE_STRIDE_MS ${w.strideMs}
#define IMPULSE_FREQUENCY_HZ ${cFloat(w.frequencyHz)}
#define IMPULSE_WINDOW_SAMPLES ${windowSamples(inp.impulse)}
#define IMPULSE_AXIS_COUNT ${w.axes.length}
#define IMPULSE_ZERO_PAD ${w.zeroPad ? 1 : 0}
static const char* const impulse_axes[IMPULSE_AXIS_COUNT > 0 ? IMPULSE_AXIS_COUNT : 1] = {${w.axes.length ? w.axes.map(cString).join(', ') : '""'}};

// ---- Impulse: DSP block "${dsp.block}" ----
#define IMPULSE_DSP_BLOCK ${cString(dsp.block)}
#define IMPULSE_DSP_${cIdentifier(dsp.block).toUpperCase()} 1
${dspLines.join('\n')}

// ---- Model data (${inp.tflite.length} bytes) ----
alignas(16) static const unsigned char ${name}_tflite[] = {
${cByteArray(inp.tflite)}
};
static const unsigned int ${name}_tflite_len = ${inp.tflite.length};
`;
  if (inp.bare) return body;
  return `// ${name}.h: int8 TensorFlow Lite model and impulse settings, generated by TinyML Studio.
// Use with TensorFlow Lite Micro: tflite::GetModel(${name}_tflite).
#ifndef ${guard}
#define ${guard}

#include <stddef.h>
#include <stdint.h>

${body}
#endif  // ${guard}
`;
}
