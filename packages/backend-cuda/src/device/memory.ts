import type { CudaDriver, DevicePointer } from '../driver/api.js';

/** A block of device memory handed out by `DeviceMemory` (owned by whoever holds it until freed). */
export interface DeviceBuffer {
  readonly pointer: DevicePointer;
  /** Bytes asked for (the block may be larger: sizes are rounded up to 256 bytes). */
  readonly bytes: number;
  readonly label: string;
}

const GRANULE = 256;

/**
 * Every device allocation of one backend. Freed blocks are kept for reuse, by size, up to
 * `cacheBytes` — pyramids of one shape in a loop then allocate nothing after the first — and
 * released by `trim()` or `destroyAll()`. All work runs on one stream, so a block freed while
 * queued kernels still use it is only reused by work queued after them.
 */
export class DeviceMemory {
  private readonly driver: CudaDriver;
  private readonly cacheLimit: number;
  // Waits for queued work before memory goes back to the driver (it may still be read).
  private readonly settle: () => void;
  private readonly live = new Map<DevicePointer, DeviceBuffer>();
  private readonly cached = new Map<number, DevicePointer[]>();
  private cachedTotal = 0;

  constructor(driver: CudaDriver, cacheBytes: number, settle: () => void) {
    this.driver = driver;
    this.cacheLimit = cacheBytes;
    this.settle = settle;
  }

  /** Buffers handed out and not yet freed (for leak checks). */
  get liveBuffers(): number {
    return this.live.size;
  }

  /** Bytes held for reuse. */
  get cachedBytes(): number {
    return this.cachedTotal;
  }

  alloc(bytes: number, label: string): DeviceBuffer {
    const size = blockSize(bytes);
    const reusable = this.cached.get(size);
    let pointer = reusable?.pop();
    if (pointer !== undefined) {
      this.cachedTotal -= size;
    } else {
      pointer = this.driver.memAlloc(size);
    }
    const buffer = Object.freeze({ pointer, bytes, label });
    this.live.set(pointer, buffer);
    return buffer;
  }

  /** Frees a buffer (into the cache when it fits). Freeing twice, or a foreign pointer, does nothing. */
  free(buffer: DeviceBuffer): void {
    if (this.live.get(buffer.pointer) !== buffer) return;
    this.live.delete(buffer.pointer);
    const size = blockSize(buffer.bytes);
    if (this.cachedTotal + size <= this.cacheLimit) {
      const list = this.cached.get(size) ?? [];
      list.push(buffer.pointer);
      this.cached.set(size, list);
      this.cachedTotal += size;
    } else {
      this.settle();
      this.driver.memFree(buffer.pointer);
    }
  }

  /** Returns every cached block to the driver. */
  trim(): void {
    if (this.cachedTotal > 0) this.settle();
    for (const [size, list] of this.cached) {
      while (list.length > 0) {
        this.driver.memFree(list.pop()!);
        this.cachedTotal -= size;
      }
    }
    this.cached.clear();
  }

  /** Frees everything, live buffers included (the backend is going away). Keeps going past errors. */
  destroyAll(): void {
    const pointers = [...this.live.keys(), ...[...this.cached.values()].flat()];
    this.live.clear();
    this.cached.clear();
    this.cachedTotal = 0;
    for (const p of pointers) {
      try {
        this.driver.memFree(p);
      } catch {
        // A lost context frees its memory anyway.
      }
    }
  }
}

function blockSize(bytes: number): number {
  return Math.max(GRANULE, Math.ceil(bytes / GRANULE) * GRANULE);
}
