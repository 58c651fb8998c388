import { createCpuBackend } from '@matryoshka/pooling';
import type { AnyBackend } from '@matryoshka/core';
import { conformanceAssert, selectCases, type ConformanceCapabilities, type ConformanceContext } from '@matryoshka/testing/conformance';
import type { WebGpuBackend } from '../../src/index.js';
import { cases as webgpuCases, gpuBuffer } from './cases.js';
import type { PortableCase, SuiteContext } from './types.js';

/**
 * Conformance cases the WebGPU backend does not run, each with its reason. None today: every
 * case of the shared suite applies (float16 is declared as a capability below).
 */
export const WEBGPU_EXCLUSIONS: Readonly<Record<string, string>> = {};

/** Float16 inputs are packed halves in a storage buffer (no shader-f16 feature needed); float16 levels likewise. */
const WEBGPU_CAPABILITIES: ConformanceCapabilities = {
  float16: {
    input: (bits, shape, backend) => ({
      buffer: gpuBuffer(backend as WebGpuBackend, new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength)),
      ...shape,
      dtype: 'float16',
    }),
    release: (input) => (input as { buffer: GPUBuffer }).buffer.destroy(),
  },
};

/** The shared conformance suite's view of a WebGPU host: float16 inputs are packed GPU buffers. */
function conformanceContext(ctx: SuiteContext): ConformanceContext {
  return {
    host: ctx.host,
    backend: ctx.backend as AnyBackend,
    reference: createCpuBackend() as AnyBackend,
    createBackend: async () => (await ctx.createBackend()) as AnyBackend,
    fixtures: ctx.fixtures,
    capabilities: WEBGPU_CAPABILITIES,
    resources: () => ctx.backend.liveBuffers,
    settle: () => ctx.backend.device.queue.onSubmittedWorkDone(),
  };
}

/**
 * Everything a WebGPU host runs, in order: the shared conformance cases (minus the exclusions),
 * then the WebGPU-only ones (bindings split in bands, caller GPU buffers, device loss). One list
 * for Node and for the Chromium page, so both run the same cases under the same names.
 */
export function webgpuSuite(): { cases: PortableCase[]; skipped: ReadonlyArray<{ name: string; reason: string }> } {
  const shared = selectCases(WEBGPU_CAPABILITIES, WEBGPU_EXCLUSIONS);
  let memo: { for: SuiteContext; ctx: ConformanceContext } | undefined;
  const view = (ctx: SuiteContext) => {
    if (memo?.for !== ctx) memo = { for: ctx, ctx: conformanceContext(ctx) };
    return memo.ctx;
  };
  return {
    cases: [...shared.run.map((c): PortableCase => ({ name: c.name, run: (ctx) => c.run(view(ctx), conformanceAssert) })), ...webgpuCases],
    skipped: shared.skipped,
  };
}
