import type { AxisWindow } from '@matryoshka/core';

/**
 * The table the window kernel reads: per output index `[start, end, weightOffset]` (u32), then the
 * weights as float32 bits. One table per call, shared by its launches, uploaded once.
 */
export class WindowTable {
  private words: number[] = [];

  /** Appends the windows of one axis; returns the word offset of its entries. */
  add(windows: readonly AxisWindow[]): number {
    const offset = this.words.length;
    let w = offset + 3 * windows.length;
    for (const win of windows) {
      this.words.push(win.start, win.end, w);
      w += win.weights.length;
    }
    const bits = new Uint32Array(new Float32Array(windows.flatMap((win) => win.weights)).buffer);
    for (const b of bits) this.words.push(b);
    return offset;
  }

  get empty(): boolean {
    return this.words.length === 0;
  }

  toArray(): Uint32Array {
    return Uint32Array.from(this.words);
  }
}
