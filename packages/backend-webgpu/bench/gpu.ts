import { create, globals } from 'webgpu';
import { summarizeAdapter, type AdapterSummary } from './adapter.js';

export interface BenchGpu {
  readonly gpu: GPU;
  readonly adapter: GPUAdapter;
  readonly summary: AdapterSummary;
  /** The one device ours, tfjs-backend-webgpu and the copy baseline all run on. */
  readonly device: GPUDevice;
}

// Limits ours and tfjs-backend-webgpu ask for (tfjs's own factory asks for these same ones).
const LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxComputeWorkgroupSizeX',
  'maxComputeInvocationsPerWorkgroup',
] as const;

/**
 * Dawn (the `webgpu` package) with its globals installed and `navigator.gpu` set, which
 * tfjs-backend-webgpu needs at import time to register: import tfjs only after this resolved.
 */
export async function openGpu(): Promise<BenchGpu> {
  Object.assign(globalThis, globals);
  const gpu = create([]);
  // Node 20 has no navigator; define one that only has `gpu`.
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) {
    throw new Error(
      'no WebGPU adapter from Dawn; without a GPU use SwiftShader: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (Debian package chromium)',
    );
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of LIMITS) requiredLimits[name] = adapter.limits[name];
  const device = await adapter.requestDevice({ label: 'matryoshka bench', requiredLimits });
  device.addEventListener('uncapturederror', (event) => {
    console.error(`\nwebgpu uncaptured error: ${(event as GPUUncapturedErrorEvent).error.message}`);
  });
  return { gpu, adapter, summary: summarizeAdapter(adapter), device };
}
