import type { AxisWindow } from '../plan/windows.js';

/**
 * The table a weighted-window kernel reads: per output index `[start, end, weightOffset]` (u32
 * words), then the weights as float32 bits. One table per call, shared by its launches or
 * passes and uploaded once; `add` returns the word offset a kernel is given for that axis.
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
