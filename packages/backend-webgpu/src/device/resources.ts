import { ErrorCode, MatryoshkaError } from '@matryoshka/core';
import { plainBytes } from '@matryoshka/core/backend';
import { BufferUsage, SHADER_STAGE_COMPUTE } from './constants.js';
import { poolWgsl, type PoolVariant } from '../kernels/pool-wgsl.js';

/**
 * What a backend holds on its device: every buffer it creates is counted until destroyed (so
 * leaks show in `liveBuffers`), and pipelines are compiled once per kernel variant.
 */
export class GpuResources {
  readonly device: GPUDevice;
  readonly layout: GPUBindGroupLayout;
  readonly workgroupSize: number;
  /** The largest storage binding a pass may use (the device limit, or a smaller cap for tests). */
  readonly maxBindingBytes: number;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly live = new Set<GPUBuffer>();
  private readonly destroyed = new WeakSet<GPUBuffer>();

  /** The largest buffer it creates: the device's `maxBufferSize`, or a smaller cap for tests. */
  readonly maxBufferBytes: number;

  constructor(device: GPUDevice, maxBindingBytes: number | undefined, maxBufferBytes?: number) {
    this.device = device;
    this.maxBufferBytes = Math.min(device.limits.maxBufferSize, maxBufferBytes ?? device.limits.maxBufferSize);
    this.workgroupSize = Math.min(64, device.limits.maxComputeWorkgroupSizeX, device.limits.maxComputeInvocationsPerWorkgroup);
    const limit = Math.min(device.limits.maxStorageBufferBindingSize, this.maxBufferBytes);
    this.maxBindingBytes = Math.min(limit, maxBindingBytes ?? limit);
    const storage = (type: GPUBufferBindingType): GPUBufferBindingLayout => ({ type });
    this.layout = device.createBindGroupLayout({
      label: 'matryoshka pool',
      entries: [
        { binding: 0, visibility: SHADER_STAGE_COMPUTE, buffer: { type: 'uniform' } },
        { binding: 1, visibility: SHADER_STAGE_COMPUTE, buffer: storage('read-only-storage') },
        { binding: 2, visibility: SHADER_STAGE_COMPUTE, buffer: storage('storage') },
        { binding: 3, visibility: SHADER_STAGE_COMPUTE, buffer: storage('read-only-storage') },
        { binding: 4, visibility: SHADER_STAGE_COMPUTE, buffer: storage('storage') },
      ],
    });
  }

  get liveBuffers(): number {
    return this.live.size;
  }

  /**
   * A buffer of at least `size` bytes. Sizes above the device's `maxBufferSize` are refused here,
   * before the GPU would hand back an invalid buffer that reads as zeros.
   */
  createBuffer(label: string, size: number, usage: number): GPUBuffer {
    const limit = this.maxBufferBytes;
    if (!Number.isSafeInteger(size) || size > limit) {
      throw new MatryoshkaError(
        ErrorCode.LimitExceeded,
        `webgpu: the ${label} needs ${size} bytes, above this device's maxBufferSize (${limit}); pass fewer frames per call, a smaller grid, or a device created with a higher limit`,
        { argument: 'input' },
      );
    }
    const buffer = this.device.createBuffer({ label: `matryoshka ${label}`, size: Math.max(4, Math.ceil(size / 4) * 4), usage });
    this.live.add(buffer);
    return buffer;
  }

  /** A buffer holding `data` (uploaded through the queue). */
  upload(label: string, data: ArrayBufferView, usage: number): GPUBuffer {
    // writeBuffer takes plain memory only (Dawn crashes the process on a SharedArrayBuffer view).
    let bytes = plainBytes(data);
    if (bytes.byteLength % 4 !== 0) {
      // writeBuffer moves whole words: pad a copy (only odd-length float16 data needs it).
      const padded = new Uint8Array(Math.ceil(bytes.byteLength / 4) * 4);
      padded.set(bytes);
      bytes = padded;
    }
    const buffer = this.createBuffer(label, bytes.byteLength, usage | BufferUsage.COPY_DST);
    this.device.queue.writeBuffer(buffer, 0, bytes as Uint8Array<ArrayBuffer>);
    return buffer;
  }

  destroy(buffer: GPUBuffer): void {
    if (this.live.delete(buffer)) {
      buffer.destroy();
      this.destroyed.add(buffer);
    }
  }

  /** Whether this backend destroyed `buffer` (a disposed pyramid's level handed back as input). */
  destroyedHere(buffer: GPUBuffer): boolean {
    return this.destroyed.has(buffer);
  }

  destroyAll(): void {
    for (const b of this.live) {
      b.destroy();
      this.destroyed.add(b);
    }
    this.live.clear();
  }

  pipeline(variant: Omit<PoolVariant, 'workgroupSize'>): GPUComputePipeline {
    const key = `${variant.src}/${variant.dst}/${variant.op}/${variant.lanes}`;
    let p = this.pipelines.get(key);
    if (p === undefined) {
      const module = this.device.createShaderModule({ label: `matryoshka pool ${key}`, code: poolWgsl({ ...variant, workgroupSize: this.workgroupSize }) });
      p = this.device.createComputePipeline({
        label: `matryoshka pool ${key}`,
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [this.layout] }),
        compute: { module, entryPoint: 'main' },
      });
      this.pipelines.set(key, p);
    }
    return p;
  }
}
