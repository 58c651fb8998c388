import type { NonFinitePolicy } from '../backend/contract.js';
import {
  createTokenPyramid,
  disposedError,
  findLevel,
  selectLevels,
  type LevelInfo,
  type Pyramid,
  type ReadSelection,
  type TokenPyramid,
} from '../backend/pyramid.js';
import { ErrorCode, MatryoshkaError } from '../errors.js';
import type { PoolingMode } from '../plan/plan-levels.js';

/** What a device backend's read-back returns for the levels asked for. */
export interface DeviceReadResult {
  /** float32 copies, one per level asked for, in the order asked. */
  readonly data: readonly Float32Array[];
  /** The kernels met NaN/±Infinity in their input (the pyramid's flag). */
  readonly nonFinite: boolean;
  /** Another reason to reject under `nonFinite: 'reject'` (a float16 overflow), checked first. */
  readonly reject?: MatryoshkaError;
}

/** The four things a device pyramid needs from its backend. */
export interface DevicePyramidParts<TLevel extends LevelInfo> {
  readonly backend: string;
  readonly mode: PoolingMode;
  readonly nonFinite: NonFinitePolicy;
  readonly levels: readonly TLevel[];
  /** Throws when the backend can no longer serve (disposed, device lost). */
  check(): void;
  /** Copies `levels` (a subset, possibly empty) and the non-finite flag to the CPU. */
  read(levels: readonly TLevel[]): Promise<DeviceReadResult>;
  /** Frees the levels' and the flag's device memory; called at most once. */
  free(): void;
}

/** A pyramid whose levels stay on a device until read. */
export interface DevicePyramid<TLevel extends LevelInfo> extends Pyramid<TLevel> {
  /** True once NaN/±Infinity was read from the input (checked on the device). */
  hasNonFinite(): Promise<boolean>;
}

/** The NON_FINITE_VALUE error of a device result, `what` being `pooling` or `op`. */
export function nonFiniteError(backend: string, what: string): MatryoshkaError {
  return new MatryoshkaError(
    ErrorCode.NonFiniteValue,
    `input.data: holds NaN or ±Infinity where the ${what} reads it; pass { nonFinite: 'propagate' } to get the ${backend === 'cpu' ? 'values' : "GPU's values"} anyway`,
    { argument: 'input.data' },
  );
}

/**
 * The pyramid object of a device backend: frozen levels, `at`, `read` (all levels or a
 * selection, copying back only those), `hasNonFinite`, dispose-once, and the NON_FINITE_VALUE
 * error under `nonFinite: 'reject'`. A disposed pyramid hands out no level (its memory may be
 * reused) and reads nothing.
 */
export function createDevicePyramid<TLevel extends LevelInfo>(parts: DevicePyramidParts<TLevel>): DevicePyramid<TLevel> {
  const { backend, mode, nonFinite } = parts;
  let disposed = false;
  const frozen = Object.freeze([...parts.levels]);
  const alive = () => {
    if (disposed) throw disposedError(`This ${backend} pyramid`);
    parts.check();
  };
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    parts.free();
  };
  return Object.freeze({
    backend,
    mode,
    levels: frozen,
    at: (tokens: number) => {
      if (disposed) throw disposedError(`This ${backend} pyramid`);
      return findLevel(frozen, tokens);
    },
    async read(selection?: ReadSelection): Promise<TokenPyramid> {
      alive();
      const chosen = selectLevels(frozen, selection);
      const result = await parts.read(chosen);
      if (nonFinite === 'reject' && result.reject !== undefined) throw result.reject;
      if (nonFinite === 'reject' && result.nonFinite) throw nonFiniteError(backend, 'pooling');
      const cpu = chosen.map((l, i) =>
        Object.freeze({ data: result.data[i]!, frames: l.frames, rows: l.rows, cols: l.cols, channels: l.channels, plan: l.plan }),
      );
      return createTokenPyramid(cpu, { backend, mode });
    },
    async hasNonFinite(): Promise<boolean> {
      alive();
      return (await parts.read([])).nonFinite;
    },
    dispose,
    [Symbol.dispose]: dispose,
  });
}
