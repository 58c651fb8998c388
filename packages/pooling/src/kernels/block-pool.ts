/**
 * Non-overlapping block averaging (kernel = stride = `mRows`×`mCols`) of a `[frames][rows][cols][channels]`
 * array: the workhorse of the pyramid. Windows are `[i·m, min(i·m + m, size))` on each axis, so ceil-mode
 * edge windows are clipped. A cell may carry a weight per row and per column (`null` = 1): a
 * level computed from a finer level weights each finer cell by the input cells it stands for,
 * which makes chained pooling equal to direct pooling even with clipped edges.
 *
 * Sums run in float64 (JS numbers) and round once to float32.
 */
export interface BlockPoolArgs {
  src: Float32Array;
  frames: number;
  rows: number;
  cols: number;
  channels: number;
  mRows: number;
  mCols: number;
  outRows: number;
  outCols: number;
  rowWeights: Float64Array | null;
  colWeights: Float64Array | null;
}

/** Writes `frames × outRows × outCols × channels` values into `out` and returns it. */
export function blockPool(a: BlockPoolArgs, out: Float32Array): Float32Array {
  const full = a.rowWeights === null && a.colWeights === null && a.outRows * a.mRows <= a.rows && a.outCols * a.mCols <= a.cols;
  if (full && a.mRows === 2 && a.mCols === 2) blockPool2(a, out);
  else blockPoolGeneric(a, out);
  return out;
}

/** 2×2 blocks, all full: four loads, one store per output value. The hot path of M3 pyramids. */
function blockPool2({ src, frames, rows, cols, channels: C, outRows, outCols }: BlockPoolArgs, out: Float32Array): void {
  const rowStride = cols * C;
  let o = 0;
  for (let f = 0; f < frames; f++) {
    const frameBase = f * rows * rowStride;
    for (let r = 0; r < outRows; r++) {
      const top = frameBase + 2 * r * rowStride;
      const bottom = top + rowStride;
      for (let c = 0; c < outCols; c++) {
        const i = top + 2 * c * C;
        const j = bottom + 2 * c * C;
        for (let ch = 0; ch < C; ch++) {
          out[o++] = (src[i + ch]! + src[i + C + ch]! + src[j + ch]! + src[j + C + ch]!) * 0.25;
        }
      }
    }
  }
}

function blockPoolGeneric(
  { src, frames, rows, cols, channels: C, mRows, mCols, outRows, outCols, rowWeights, colWeights }: BlockPoolArgs,
  out: Float32Array,
): void {
  const acc = new Float64Array(outCols * C);
  // Per output column: the sum of its column weights (the divisor's column factor).
  const colSum = new Float64Array(outCols);
  for (let c = 0; c < outCols; c++) {
    for (let j = c * mCols, end = Math.min(c * mCols + mCols, cols); j < end; j++) colSum[c]! += colWeights === null ? 1 : colWeights[j]!;
  }
  const rowStride = cols * C;
  let o = 0;
  for (let f = 0; f < frames; f++) {
    const frameBase = f * rows * rowStride;
    for (let r = 0; r < outRows; r++) {
      acc.fill(0);
      let rowSum = 0;
      for (let i = r * mRows, iEnd = Math.min(r * mRows + mRows, rows); i < iEnd; i++) {
        const wr = rowWeights === null ? 1 : rowWeights[i]!;
        rowSum += wr;
        const rowBase = frameBase + i * rowStride;
        for (let c = 0; c < outCols; c++) {
          const accBase = c * C;
          for (let j = c * mCols, jEnd = Math.min(c * mCols + mCols, cols); j < jEnd; j++) {
            const w = colWeights === null ? wr : wr * colWeights[j]!;
            const base = rowBase + j * C;
            for (let ch = 0; ch < C; ch++) acc[accBase + ch]! += w * src[base + ch]!;
          }
        }
      }
      for (let c = 0; c < outCols; c++) {
        const inv = 1 / (rowSum * colSum[c]!);
        const accBase = c * C;
        for (let ch = 0; ch < C; ch++) out[o++] = acc[accBase + ch]! * inv;
      }
    }
  }
}
