/** The shared vocabulary of the bench: a workload shape, a contender, one prepared instance. */

export type MaybePromise<T> = T | Promise<T>;

/** A token grid laid out row-major as [frames][rows][cols][channels] (NHWC). */
export interface Shape {
  /** Short id used on the command line (`--shapes a,c`) and in the JSON. */
  readonly id: string;
  readonly frames: number;
  readonly rows: number;
  readonly cols: number;
  readonly channels: number;
}

/** One pooled level: `frames × rows × cols × channels` values, NHWC like the input unless `layout` says otherwise. */
export interface Level {
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;
  /** Default `nhwc`. An `nchw` level (frames × channels × rows × cols) is converted only to be verified. */
  readonly layout?: 'nhwc' | 'nchw';
}

/** A contender prepared for one shape and one input array. */
export interface Instance {
  /**
   * One timed operation, everything a user would pay included (upload, compute, download).
   * Pyramid contenders return their levels (NHWC, finest first); baselines return undefined.
   */
  run(): MaybePromise<readonly Level[] | undefined>;
  /** Frees what setup created (sessions, tensors). */
  dispose(): MaybePromise<void>;
}

export interface Contender {
  /** Unique name; the one called `matryoshka` is the baseline for ratios. */
  readonly name: string;
  /** What exactly is timed, for the report and the JSON. */
  readonly description: string;
  /** `pyramid`: computes the four levels and is verified; `copy`: the bandwidth baseline. */
  readonly kind: 'pyramid' | 'copy';
  /**
   * `fresh` (default): every run allocates its outputs, as a plain call does. `reused`: outputs
   * are allocated once at setup and written again each run (matryoshka's `out` option, ORT's
   * preallocated fetches, `dst.set`). Ratios compare contenders within the same group.
   */
  readonly outputs?: 'fresh' | 'reused';
  /** Overrides the minimum number of timed samples (for very slow peers). */
  readonly minSamples?: number;
  /** Library versions and settings worth recording in the JSON. */
  info?(): MaybePromise<Record<string, string | number | boolean>>;
  setup(shape: Shape, input: Float32Array): Promise<Instance>;
}
