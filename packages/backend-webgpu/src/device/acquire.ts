import { ErrorCode, MatryoshkaError } from '@matryoshka/core';
import { loadDawn } from './dawn.js';

export interface AcquiredDevice {
  readonly device: GPUDevice;
  /** Whether the backend created the device (and so destroys it on dispose). */
  readonly owned: boolean;
  /** Where it came from: the caller, the browser's `navigator.gpu`, or Dawn through the `webgpu` package. */
  readonly source: 'injected' | 'navigator' | 'dawn';
  readonly adapter: string;
  /** The `GPU` object the device came from: held so the GC never frees Dawn's instance under a live device. */
  readonly gpu: GPU | undefined;
  /**
   * Why the adapter is a software one (SwiftShader, llvmpipe, lavapipe, a fallback adapter: the CPU
   * emulating a GPU, many times slower than the cpu backend), or undefined for a hardware adapter.
   */
  readonly software: string | undefined;
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
    // The caller chose this device: it is never ranked down, whatever its adapter.
    return { device: injected, owned: false, source: 'injected', adapter: 'caller-provided device', gpu: undefined, software: undefined };
  }
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu !== undefined) return fromGpu(nav.gpu, 'navigator');
  // In the browser build, loadDawn only explains why there is no device (./dawn.browser.ts).
  return fromGpu(await loadDawn(), 'dawn');
}

// Names that software rasterizers give their adapters (vendor, architecture, device or description).
const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|softpipe|software rasterizer|microsoft basic render/i;

/** Why `adapter` is a software one, or undefined for hardware (see AcquiredDevice.software). */
export function softwareAdapter(adapter: GPUAdapter, name: string): string | undefined {
  const info = adapter.info as (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined;
  const fallback = info?.isFallbackAdapter === true || (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  const text = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => typeof s === 'string').join(' ');
  const match = SOFTWARE_NAMES.exec(text);
  if (!fallback && match === null) return undefined;
  return `a software adapter (${name}${fallback ? ', reported as a fallback adapter' : ''}): the CPU emulating a GPU, many times slower than the cpu backend`;
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
  const adapterName = name === '' ? 'unknown adapter' : name;
  return { device, owned: true, source, adapter: adapterName, gpu, software: softwareAdapter(adapter, adapterName) };
}

function unavailable(reason: string): MatryoshkaError {
  return new MatryoshkaError(ErrorCode.BackendUnavailable, `webgpu: ${reason}`);
}
