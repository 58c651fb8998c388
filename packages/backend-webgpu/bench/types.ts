/** The vocabulary of the WebGPU bench: where data lives, a contender, one prepared instance. */
import type { WebGpuBackend } from '../src/index.js';
import type { Level, MaybePromise, Shape } from '../../pooling/bench/types.js';

export type { Level, MaybePromise, Shape };

/**
 * `gpu`: the input is already in a device buffer (features from an encoder) and the levels stay on
 * the device; a run ends when the device has finished. `cpu`: a Float32Array goes in and CPU
 * levels come out (upload, compute, read back). Ratios compare contenders within one group.
 */
export type Residency = 'gpu' | 'cpu';

/** What every contender gets for one shape. */
export interface ShapeContext {
  readonly shape: Shape;
  /** The input on the host (seeded, the same for every contender). */
  readonly input: Float32Array;
  /** The same values in a device buffer (STORAGE | COPY_SRC | COPY_DST), owned by the bench. */
  readonly inputBuffer: GPUBuffer;
  readonly device: GPUDevice;
  /** The adapter `device` came from (tfjs reads its info for workgroup heuristics). */
  readonly adapter: GPUAdapter;
  /** Ours, on `device`. */
  readonly backend: WebGpuBackend;
}

/** A contender prepared for one shape. */
export interface Instance {
  /** One timed operation; resolves once the work is complete (see the contender's description). */
  run(): Promise<undefined>;
  /** The levels of the last run as CPU arrays (NHWC, finest first), for verification; never timed. */
  levels?(): Promise<readonly Level[]>;
  dispose(): MaybePromise<void>;
}

export interface Contender {
  /** Unique; the two named in contenders.ts (BASELINES) are the ratio baselines. */
  readonly name: string;
  /** What exactly is timed, for the report and the JSON. */
  readonly description: string;
  /** `pyramid`: computes the four levels and is verified; `copy`: the bandwidth baseline. */
  readonly kind: 'pyramid' | 'copy';
  readonly residency: Residency;
  /** Library versions and settings worth recording in the JSON. */
  info?(): MaybePromise<Record<string, string | number | boolean>>;
  setup(ctx: ShapeContext): Promise<Instance>;
}
