import type { TokenGrid, TokenPyramid } from '@matryoshka/core';
import { createWebGpuBackend, type WebGpuBackend } from '@matryoshka/backend-webgpu';
import { buildPyramid } from '@matryoshka/pooling';

export interface Pooled {
  readonly pyramid: TokenPyramid;
  readonly backend: 'webgpu' | 'cpu';
  /** Why this backend ran (the adapter, or why WebGPU was not used). */
  readonly reason: string;
  /** buildPyramid plus reading the levels back (WebGPU) — what the page needs to draw. */
  readonly poolMs: number;
  /** Creating the WebGPU device and pipelines, the first time only. */
  readonly setupMs?: number;
}

let gpu: Promise<WebGpuBackend> | undefined;

/** WebGPU when the browser has it, else the CPU backend; the reason is shown on the page. */
export async function poolOnBestBackend(grid: TokenGrid, forceCpu: boolean): Promise<Pooled> {
  let reason: string;
  if (forceCpu) reason = 'WebGPU skipped: ?backend=cpu in the address';
  else if (!('gpu' in navigator)) reason = 'no navigator.gpu: this browser has no WebGPU, or it is turned off';
  else {
    try {
      const fresh = gpu === undefined;
      const t0 = performance.now();
      const backend = await (gpu ??= createWebGpuBackend());
      const setupMs = performance.now() - t0;
      const t1 = performance.now();
      const onGpu = await backend.buildPyramid(grid);
      try {
        const pyramid = await onGpu.read();
        const poolMs = performance.now() - t1;
        return { pyramid, backend: 'webgpu', reason: `WebGPU adapter: ${backend.adapter}`, poolMs, ...(fresh ? { setupMs } : {}) };
      } finally {
        onGpu.dispose();
      }
    } catch (error) {
      gpu = undefined; // a lost or failed device: try a fresh one next time
      reason = `WebGPU failed, fell back to the CPU: ${(error as Error).message}`;
    }
  }
  const t = performance.now();
  const pyramid = buildPyramid(grid);
  return { pyramid, backend: 'cpu', reason, poolMs: performance.now() - t };
}
