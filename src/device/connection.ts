/** TEMPORARY build stub — replaced by the real stream layer. */
import type { Transport } from './transport.ts';
import type { SensorAxis } from '../data/sample.ts';
export interface ReadingBatch { frames: Float32Array; t0: number }
export interface StreamStats { readings: number; badLines: number; garbled: number; dropped: number; deviceErrors: string[]; lastBadLine?: string; lastBadReason?: string }
export interface DeviceStream { info: { mode: 'csv' | 'framed'; deviceName: string; axes: SensorAxis[]; rateHz: number }; stats: StreamStats; batches: AsyncIterable<ReadingBatch>; close(): Promise<void> }
export async function openDeviceStream(_t: Transport, _o: { baudRate: number; axisNames?: string[]; rateHz?: number }): Promise<DeviceStream> { throw new Error('stub'); }
