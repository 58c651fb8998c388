import { BACKEND_CONTRACT_VERSION, type Backend, type OpOptions, type OpResult, type PoolingOpName, type TokenGrid, type TokenPyramid } from '@matryoshka/core';
import { disposedError, registerBackend } from '@matryoshka/core/backend';
import { runOp } from '../ops/common.js';
import { buildPyramid, type CpuPyramidOptions } from '../pyramid/build-pyramid.js';

/** What `run` resolves to on the cpu backend: the result grid itself, with `read()` resolving to it. */
export interface CpuGrid extends TokenGrid, OpResult {}

export interface CpuBackend extends Backend<never, TokenPyramid, CpuGrid> {
  buildPyramid(input: TokenGrid, options?: CpuPyramidOptions): Promise<TokenPyramid>;
}

declare module '@matryoshka/core' {
  interface BackendMap {
    cpu: CpuBackend;
  }
}

/**
 * The `cpu` backend: the numerical reference every other backend is tested against. It runs
 * on the calling thread and holds no resources, so `dispose()` only marks it unusable.
 */
export function createCpuBackend(): CpuBackend {
  let disposed = false;
  // Run inside the promise, so argument errors reject instead of throwing.
  const guarded = <T>(work: () => T): Promise<T> =>
    new Promise((resolve) => {
      if (disposed) throw disposedError('The cpu backend');
      resolve(work());
    });
  const backend: CpuBackend = {
    name: 'cpu',
    contractVersion: BACKEND_CONTRACT_VERSION,
    get disposed() {
      return disposed;
    },
    buildPyramid: (input: TokenGrid, options?: CpuPyramidOptions) => guarded(() => buildPyramid(input, options)),
    run: (op: PoolingOpName, input: TokenGrid, options?: OpOptions) => guarded(() => cpuGrid(runOp(op, input, options))),
    dispose() {
      disposed = true;
    },
    [Symbol.dispose]() {
      disposed = true;
    },
  };
  return backend;
}

function cpuGrid(grid: TokenGrid): CpuGrid {
  const result: CpuGrid = Object.freeze({
    ...grid,
    read: () => Promise.resolve(grid),
    // CPU memory belongs to the garbage collector; nothing to free.
    dispose: () => undefined,
    [Symbol.dispose]: () => undefined,
  });
  return result;
}

/** Registers `cpu` (priority 0: the fallback every other backend outranks). Idempotent. */
export function registerCpuBackend(): () => void {
  return registerBackend({ name: 'cpu', priority: 0, create: createCpuBackend });
}
