import { disposedError, registerBackend, type Backend, type TokenGrid, type TokenPyramid } from '@matryoshka/core';
import { buildPyramid, type CpuPyramidOptions } from '../pyramid/build-pyramid.js';

export type CpuBackend = Backend<never, TokenPyramid>;

/**
 * The `cpu` backend: the numerical reference every other backend is tested against. It runs
 * on the calling thread and holds no resources, so `dispose()` only marks it unusable.
 */
export function createCpuBackend(): CpuBackend {
  let disposed = false;
  const backend: CpuBackend = {
    name: 'cpu',
    get disposed() {
      return disposed;
    },
    buildPyramid(input: TokenGrid, options?: CpuPyramidOptions): Promise<TokenPyramid> {
      if (disposed) return Promise.reject(disposedError('The cpu backend'));
      try {
        return Promise.resolve(buildPyramid(input, options));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    dispose() {
      disposed = true;
    },
    [Symbol.dispose]() {
      disposed = true;
    },
  };
  return backend;
}

/** Registers `cpu` (priority 0: the fallback every other backend outranks). Idempotent. */
export function registerCpuBackend(): () => void {
  return registerBackend({ name: 'cpu', priority: 0, create: createCpuBackend });
}
