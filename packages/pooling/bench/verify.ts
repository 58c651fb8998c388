import type { Level } from './types.js';

/** Relative tolerance: max |a − b| ≤ TOLERANCE × max |expected| on every level. */
export const TOLERANCE = 1e-5;

export interface Agreement {
  /** Worst over the levels of max |a − b| / max |expected|. */
  readonly maxRelativeError: number;
}

/** NCHW (frames × channels × rows × cols) → NHWC, for verification only. */
function toNhwc(level: Level, channels: number): Float32Array {
  if (level.layout !== 'nchw') return level.data;
  const plane = level.rows * level.cols;
  const frames = level.data.length / (plane * channels);
  const out = new Float32Array(level.data.length);
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channels; c++) {
      const src = (f * channels + c) * plane;
      for (let p = 0; p < plane; p++) out[(f * plane + p) * channels + c] = level.data[src + p] ?? NaN;
    }
  }
  return out;
}

/** Compares two pyramids level by level; throws with the first disagreement. */
export function compareLevels(name: string, actual: readonly Level[], expected: readonly Level[], against: string, channels: number): Agreement {
  if (actual.length !== expected.length) {
    throw new Error(`${name}: ${actual.length} levels, ${against} has ${expected.length}`);
  }
  let worst = 0;
  expected.forEach((want, i) => {
    const got = actual[i];
    if (got === undefined || got.rows !== want.rows || got.cols !== want.cols || got.data.length !== want.data.length) {
      throw new Error(`${name}: level ${i} has another shape than ${against}'s (${want.rows}×${want.cols}, ${want.data.length} values)`);
    }
    const gotData = toNhwc(got, channels);
    const wantData = toNhwc(want, channels);
    let maxAbs = 0;
    let maxErr = 0;
    let at = -1;
    for (let j = 0; j < wantData.length; j++) {
      const w = wantData[j] ?? NaN;
      const err = Math.abs((gotData[j] ?? NaN) - w);
      maxAbs = Math.max(maxAbs, Math.abs(w));
      // `!(err <= maxErr)` also catches NaN.
      if (!(err <= maxErr)) {
        maxErr = err;
        at = j;
      }
    }
    const relative = maxAbs === 0 ? maxErr : maxErr / maxAbs;
    if (!(relative <= TOLERANCE)) {
      throw new Error(
        `${name} disagrees with ${against} on level ${i} (${want.rows}×${want.cols}): ` +
          `max |Δ| = ${maxErr} at index ${at} (got ${gotData[at]}, want ${wantData[at]}), ` +
          `allowed ${TOLERANCE} × ${maxAbs}`,
      );
    }
    worst = Math.max(worst, relative);
  });
  return { maxRelativeError: worst };
}
