/**
 * A trained float model as plain data: the hand-off between training (TF.js) and the int8
 * quantizer / TFLite writer. DOM-free core module; no TF.js here.
 *
 * Shapes exclude the batch dimension. Layout follows TFLite:
 * - dense kernel: [outUnits][inUnits] (TFLite FULLY_CONNECTED weights are [out, in])
 * - conv1d is expressed as CONV_2D with height 1: kernel [outChannels][1][kernelWidth][inChannels]
 * All weights are Float32Array, row-major.
 */
export type Activation = 'none' | 'relu' | 'relu6';

export type FloatLayer =
  | { kind: 'dense'; units: number; inUnits: number; kernel: Float32Array; bias: Float32Array; activation: Activation }
  | {
      kind: 'conv1d';
      filters: number;
      kernelSize: number;
      inChannels: number;
      stride: number;
      padding: 'same' | 'valid';
      kernel: Float32Array;
      bias: Float32Array;
      activation: Activation;
    }
  | { kind: 'depthwise-conv1d'; kernelSize: number; channels: number; depthMultiplier: number; stride: number; padding: 'same' | 'valid'; kernel: Float32Array; bias: Float32Array; activation: Activation }
  | { kind: 'maxpool1d'; poolSize: number; stride: number; padding: 'same' | 'valid' }
  | { kind: 'avgpool1d'; poolSize: number; stride: number; padding: 'same' | 'valid' }
  | { kind: 'global-avgpool1d' }
  | { kind: 'flatten' }
  | { kind: 'reshape'; shape: number[] }
  | { kind: 'softmax' }
  // 2-D layers over an [H, W, C] image (e.g. a [time, mel] spectrogram reshaped to [T, F, 1]).
  // conv2d kernel: TFLite [outChannels][kernelH][kernelW][inChannels]; depthwise: [1][kernelH][kernelW][channels·multiplier].
  | { kind: 'conv2d'; filters: number; kernelH: number; kernelW: number; inChannels: number; strideH: number; strideW: number; padding: 'same' | 'valid'; kernel: Float32Array; bias: Float32Array; activation: Activation }
  | { kind: 'depthwise-conv2d'; kernelH: number; kernelW: number; channels: number; depthMultiplier: number; strideH: number; strideW: number; padding: 'same' | 'valid'; kernel: Float32Array; bias: Float32Array; activation: Activation }
  | { kind: 'maxpool2d'; poolH: number; poolW: number; strideH: number; strideW: number; padding: 'same' | 'valid' }
  | { kind: 'global-avgpool2d' };

export interface FloatModel {
  /** Input shape without batch, e.g. [39] for features or [100, 3] for a raw window (time, channels). */
  inputShape: number[];
  layers: FloatLayer[];
  labels: string[];
}
