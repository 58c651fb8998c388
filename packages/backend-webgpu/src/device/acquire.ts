import { ErrorCode, MatryoshkaError } from '@matryoshka/core';

export interface AcquiredDevice {
  readonly device: GPUDevice;
  /** Whether the backend created the device (and so destroys it on dispose). */
  readonly owned: boolean;
  /** Where it came from: the caller, the browser's `navigator.gpu`, or Dawn through the `webgpu` package. */
  readonly source: 'injected' | 'navigator' | 'dawn';
  readonly adapter: string;
  /** The `GPU` object the device came from: held so the GC never frees Dawn's instance under a live device. */
  readonly gpu: GPU | undefined;
}

/**
 * The device to run on: the caller's, else `navigator.gpu` (browsers, Deno), else the optional
 * peer `webgpu` (Dawn) in Node. Never a hidden global: a created device belongs to one backend.
 */
export async function acquireDevice(injected: GPUDevice | undefined): Promise<AcquiredDevice> {
  if (injected !== undefined) {
    if (typeof injected !== 'object' || injected === null || typeof (injected as GPUDevice).createBuffer !== 'function') {
      throw new MatryoshkaError(ErrorCode.InvalidArgument, 'options.device: expected a GPUDevice', { argument: 'options.device' });
    }
    return { device: injected, owned: false, source: 'injected', adapter: 'caller-provided device', gpu: undefined };
  }
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu !== undefined) return fromGpu(nav.gpu, 'navigator');
  let dawn: { create: (flags: string[]) => GPU };
  try {
    dawn = (await import('webgpu')) as unknown as { create: (flags: string[]) => GPU };
  } catch (error) {
    throw unavailable(`no navigator.gpu here and the optional peer 'webgpu' (Dawn for Node) is not installed: npm install webgpu (${(error as Error).message})`);
  }
  return fromGpu(dawn.create([]), 'dawn');
}

async function fromGpu(gpu: GPU, source: 'navigator' | 'dawn'): Promise<AcquiredDevice> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) {
    const hint =
      source === 'dawn'
        ? '; on Linux without a GPU, point Vulkan at SwiftShader: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (Debian package chromium)'
        : '; in Chromium, WebGPU may need --enable-unsafe-webgpu on this platform';
    throw unavailable(`no WebGPU adapter (${source})${hint}`);
  }
  // Ask for the adapter's own limits on what this backend stresses: big bindings and buffers.
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  const info = adapter.info;
  const name = [info?.vendor, info?.architecture, info?.description].filter((s) => s !== undefined && s !== '').join(' ');
  return { device, owned: true, source, adapter: name === '' ? 'unknown adapter' : name, gpu };
}

function unavailable(reason: string): MatryoshkaError {
  return new MatryoshkaError(ErrorCode.BackendUnavailable, `webgpu: ${reason}`);
}
