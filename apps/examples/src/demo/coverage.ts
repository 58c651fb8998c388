import type { TokenGrid } from '@matryoshka/core';

/**
 * How much of the full grid a coarser level keeps: the mean cosine similarity of each full-grid
 * token with the coarse token covering it (1 for the full level itself). Training-free and
 * content-aware — a busy image loses more when pooled than a flat one — so it can stand in for
 * answer accuracy when no task-specific predictor exists. Clamped to [0, 1] (negative similarity
 * keeps nothing), which is what `allocateBudget` takes.
 */
export function levelCoverage(full: TokenGrid, level: TokenGrid): number {
  const C = full.channels;
  if (level.channels !== C) throw new RangeError(`levelCoverage: ${level.channels} channels against the full grid's ${C}`);
  let total = 0;
  for (let r = 0; r < full.rows; r++) {
    // The coarse cell whose window holds (r, c); with m3's floor mode on an uneven grid the
    // dropped edge is attributed to the last cell.
    const lr = Math.min(level.rows - 1, Math.floor((r * level.rows) / full.rows));
    for (let c = 0; c < full.cols; c++) {
      const lc = Math.min(level.cols - 1, Math.floor((c * level.cols) / full.cols));
      const a = (r * full.cols + c) * C;
      const b = (lr * level.cols + lc) * C;
      let dot = 0;
      let na = 0;
      let nb = 0;
      for (let k = 0; k < C; k++) {
        const x = full.data[a + k]!;
        const y = level.data[b + k]!;
        dot += x * y;
        na += x * x;
        nb += y * y;
      }
      total += na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
    }
  }
  return Math.min(1, Math.max(0, total / (full.rows * full.cols)));
}
