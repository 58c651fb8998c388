import type { AxisWindow } from '@matryoshka/core';

/**
 * The window table every pass reads: per output index `[start, end, weightOffset]`, then the
 * weights as float32 bits. Several passes share one table (one buffer per pyramid).
 */
export class WindowTable {
  private words: number[] = [];

  /** Appends the windows of one axis; returns the word offset of its entries. */
  add(windows: readonly AxisWindow[]): number {
    const offset = this.words.length;
    const weightsAt = offset + 3 * windows.length;
    let w = weightsAt;
    for (const win of windows) {
      this.words.push(win.start, win.end, w);
      w += win.weights.length;
    }
    const bits = new Uint32Array(new Float32Array(windows.flatMap((win) => win.weights)).buffer);
    for (const b of bits) this.words.push(b);
    return offset;
  }

  toArray(): Uint32Array {
    return Uint32Array.from(this.words);
  }
}
