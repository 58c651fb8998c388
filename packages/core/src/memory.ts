/**
 * Where typed-array arguments live. Every check of "may this output overwrite that input" and
 * "can this memory be handed to a device" goes through here, so a SharedArrayBuffer or a view is
 * judged the same way by every package.
 */

/** True when the view's memory is a SharedArrayBuffer (other threads may see and change it). */
export function isSharedMemory(view: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer === 'function' && view.buffer instanceof SharedArrayBuffer;
}

/**
 * The view's bytes over a plain (non-shared) ArrayBuffer: the view itself when it already is one,
 * else a copy. Device APIs (WebGPU's `writeBuffer`) take plain memory only.
 */
export function plainBytes(view: ArrayBufferView): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  if (!isSharedMemory(view)) return bytes as Uint8Array<ArrayBuffer>;
  const copy = new Uint8Array(view.byteLength);
  copy.set(bytes);
  return copy;
}

/**
 * Whether two views share any byte of memory. Views over the same buffer object compare ranges.
 * Two distinct SharedArrayBuffer objects may still be one block of memory (a buffer posted to a
 * worker and back is a new object): then one byte of `writable`'s own range is flipped and read
 * through `other` (and restored at once) — `writable` must be memory the caller handed over to be
 * written, such as an `out` array.
 */
export function overlapsMemory(writable: ArrayBufferView, other: ArrayBufferView): boolean {
  if (writable.byteLength === 0 || other.byteLength === 0) return false;
  const a = writable.buffer;
  const b = other.buffer;
  if (a === b) return rangesMeet(writable.byteOffset, writable.byteLength, other.byteOffset, other.byteLength);
  if (!isSharedMemory(writable) || !isSharedMemory(other)) return false;
  if (!sameSharedMemory(a as SharedArrayBuffer, b as SharedArrayBuffer, writable.byteOffset)) return false;
  return rangesMeet(writable.byteOffset, writable.byteLength, other.byteOffset, other.byteLength);
}

function rangesMeet(aStart: number, aLength: number, bStart: number, bLength: number): boolean {
  return aStart < bStart + bLength && bStart < aStart + aLength;
}

/** Two SharedArrayBuffer objects over one block of memory: a byte written through one shows in the other. */
function sameSharedMemory(a: SharedArrayBuffer, b: SharedArrayBuffer, probe: number): boolean {
  if (probe >= b.byteLength) return false;
  const va = new Uint8Array(a);
  const vb = new Uint8Array(b);
  const before = Atomics.load(va, probe);
  if (Atomics.load(vb, probe) !== before) return false;
  const flipped = before ^ 0xff;
  Atomics.store(va, probe, flipped);
  const same = Atomics.load(vb, probe) === flipped;
  Atomics.store(va, probe, before);
  return same;
}
