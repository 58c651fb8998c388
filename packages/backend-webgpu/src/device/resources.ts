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

  constructor(device: GPUDevice, maxBindingBytes: number | undefined) {
    this.device = device;
    this.workgroupSize = Math.min(64, device.limits.maxComputeWorkgroupSizeX, device.limits.maxComputeInvocationsPerWorkgroup);
    const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
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

  createBuffer(label: string, size: number, usage: number): GPUBuffer {
    const buffer = this.device.createBuffer({ label: `matryoshka ${label}`, size: Math.max(4, Math.ceil(size / 4) * 4), usage });
    this.live.add(buffer);
    return buffer;
  }

  /** A buffer holding `data` (uploaded through the queue). */
  upload(label: string, data: ArrayBufferView, usage: number): GPUBuffer {
    let bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
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
    if (this.live.delete(buffer)) buffer.destroy();
  }

  destroyAll(): void {
    for (const b of this.live) b.destroy();
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
