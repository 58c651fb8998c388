import { ErrorCode, MatryoshkaError, getBackend, type Backend } from '@matryoshka/core';
import { describe } from '@matryoshka/core/backend';
// Registers the `cpu` backend (WebAssembly SIMD kernels; runs in Node and browsers).
import '@matryoshka/pooling';

/**
 * Where pooling runs: a registered backend's name, `'auto'` (the best registered backend that starts
 * here: a GPU backend whose package the app imported, else cpu), or a backend object (e.g. `createWebGpuBackend({ device })`
 * sharing the page's device).
 */
export type BackendOption = 'cpu' | 'webgpu' | 'cuda' | 'auto' | (string & {}) | Backend<unknown>;

export async function resolveBackend(option: BackendOption | undefined): Promise<Backend<unknown>> {
  if (option === undefined || option === 'cpu') return getBackend('cpu');
  // The registry's best here: highest priority that starts (cuda, webgpu, cpu; software GPU adapters rank below cpu).
  if (option === 'auto') return getBackend();
  if (typeof option === 'string') return getBackend(option);
  if (typeof option === 'object' && option !== null && typeof (option as Backend<unknown>).buildPyramid === 'function') return option;
  throw new MatryoshkaError(
    ErrorCode.InvalidArgument,
    `options.backend: expected 'cpu', 'webgpu', 'auto', a registered name or a backend object, got ${describe(option)}`,
    {
      argument: 'options.backend',
    },
  );
}
