import type { AxisWindow } from '@matryoshka/core';

/**
 * Max over each window, NaN-propagating like PyTorch (`val > max || isnan(val)`): once a window
 * meets a NaN, its output stays NaN.
 */
export function maxPool(
  src: Float32Array,
  frames: number,
  rows: number,
  cols: number,
  C: number,
  rowWindows: readonly AxisWindow[],
  colWindows: readonly AxisWindow[],
): Float32Array {
  const outRows = rowWindows.length;
  const outCols = colWindows.length;
  const out = new Float32Array(frames * outRows * outCols * C);
  const best = new Float32Array(C);
  const rowStride = cols * C;
  let o = 0;
  for (let f = 0; f < frames; f++) {
    const frameBase = f * rows * rowStride;
    for (let r = 0; r < outRows; r++) {
      const rw = rowWindows[r]!;
      for (let c = 0; c < outCols; c++) {
        const cw = colWindows[c]!;
        best.fill(-Infinity);
        for (let i = rw.start; i < rw.end; i++) {
          for (let j = cw.start; j < cw.end; j++) {
            const base = frameBase + i * rowStride + j * C;
            for (let ch = 0; ch < C; ch++) {
              const v = src[base + ch]!;
              const m = best[ch]!;
              // biome-ignore lint/suspicious/noSelfCompare: v !== v is the NaN test in the innermost loop (NaN is sticky, as in PyTorch).
              if (v > m || v !== v) best[ch] = v;
            }
          }
        }
        out.set(best, o);
        o += C;
      }
    }
  }
  return out;
}
