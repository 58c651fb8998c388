import type { AxisWindow } from '@matryoshka/core';

/**
 * The reference for any separable weighted pooling: output cell (r, c) is
 * `Σ_i Σ_j rows[r].weights[i] · cols[c].weights[j] · x[i][j]` over its windows. Adaptive
 * average, bilinear resize and overlapping/ceil average pooling all run through it.
 * Sums run in float64 and round once to float32.
 */
export function separablePool(
  src: Float32Array,
  frames: number,
  rows: number,
  cols: number,
  C: number,
  rowWindows: readonly AxisWindow[],
  colWindows: readonly AxisWindow[],
  out: Float32Array = new Float32Array(frames * rowWindows.length * colWindows.length * C),
): Float32Array {
  const outRows = rowWindows.length;
  const outCols = colWindows.length;
  const acc = new Float64Array(outCols * C);
  const rowStride = cols * C;
  let o = 0;
  for (let f = 0; f < frames; f++) {
    const frameBase = f * rows * rowStride;
    for (let r = 0; r < outRows; r++) {
      acc.fill(0);
      const rw = rowWindows[r]!;
      for (let i = rw.start; i < rw.end; i++) {
        const wr = rw.weights[i - rw.start]!;
        const rowBase = frameBase + i * rowStride;
        for (let c = 0; c < outCols; c++) {
          const cw = colWindows[c]!;
          const accBase = c * C;
          for (let j = cw.start; j < cw.end; j++) {
            const w = wr * cw.weights[j - cw.start]!;
            const base = rowBase + j * C;
            for (let ch = 0; ch < C; ch++) acc[accBase + ch]! += w * src[base + ch]!;
          }
        }
      }
      for (let k = 0; k < acc.length; k++) out[o++] = acc[k]!;
    }
  }
  return out;
}
