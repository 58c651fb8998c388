import type { NonFinitePolicy, OpResult } from '../backend/contract.js';
import { disposedError } from '../backend/pyramid.js';
import type { GridShape, TokenGrid } from '../token-grid.js';
import { nonFiniteError, type DeviceReadResult } from './device-pyramid.js';

export interface DeviceResultParts {
  readonly backend: string;
  /** The op's name, for the disposed error. */
  readonly op: string;
  readonly shape: GridShape;
  readonly nonFinite: NonFinitePolicy;
  check(): void;
  /** Copies the result (one entry in `data`) and its non-finite flag to the CPU. */
  read(): Promise<DeviceReadResult>;
  /** Frees the result's device memory; called at most once. */
  free(): void;
}

/**
 * The result object of `run(op, …)` on a device backend: sizes, `extra` (the device handle, its
 * type and byte length), `read()` with the NON_FINITE_VALUE error, dispose-once.
 */
export function createDeviceResult<TExtra extends object>(parts: DeviceResultParts, extra: TExtra): OpResult & TExtra {
  const { frames, rows, cols, channels } = parts.shape;
  let disposed = false;
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    parts.free();
  };
  return Object.freeze({
    frames,
    rows,
    cols,
    channels,
    ...extra,
    async read(): Promise<TokenGrid> {
      if (disposed) throw disposedError(`This ${parts.backend} ${parts.op} result`);
      parts.check();
      const result = await parts.read();
      if (parts.nonFinite === 'reject' && result.reject !== undefined) throw result.reject;
      if (parts.nonFinite === 'reject' && result.nonFinite) throw nonFiniteError(parts.backend, 'op');
      return Object.freeze({ data: result.data[0]!, frames, rows, cols, channels });
    },
    dispose,
    [Symbol.dispose]: dispose,
  });
}
