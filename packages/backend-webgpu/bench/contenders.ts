import { deviceCopy } from './peers/device-copy.js';
import { onnxruntimeWebGpu } from './peers/onnxruntime-webgpu.js';
import { oursResident, oursRoundTrip } from './peers/ours.js';
import { tfjsWebGpu } from './peers/tfjs-webgpu.js';
import type { Contender, Residency } from './types.js';

/** Ratio baselines per residency group; the `gpu` one is also what every other contender is verified against. */
export const BASELINES: Record<Residency, string> = {
  gpu: 'ours (gpu in, gpu out)',
  cpu: 'ours (cpu in, cpu out)',
};

/** Everything the bench times, in this order (the verification baseline first). */
export const CONTENDERS: readonly Contender[] = [
  oursResident(),
  tfjsWebGpu('chained', 'gpu'),
  tfjsWebGpu('direct', 'gpu'),
  onnxruntimeWebGpu('gpu'),
  deviceCopy(),
  oursRoundTrip(),
  tfjsWebGpu('chained', 'cpu'),
  tfjsWebGpu('direct', 'cpu'),
  onnxruntimeWebGpu('cpu'),
];
