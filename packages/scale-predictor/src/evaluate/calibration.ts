import { ErrorCode, argumentError } from '@matryoshka/core';
import { describe, positiveInt } from '@matryoshka/core/backend';

export interface CalibrationBin {
  readonly from: number;
  readonly to: number;
  readonly count: number;
  readonly meanPredicted: number;
  readonly meanObserved: number;
}

export interface Calibration {
  /** Expected calibration error: Σ over bins of (cells in bin / all cells) × |mean predicted − mean observed|. */
  readonly ece: number;
  /** Mean squared error of the probabilities against the binary outcomes. */
  readonly brier: number;
  /** Cells (samples × scales) measured. */
  readonly cells: number;
  readonly bins: readonly CalibrationBin[];
}

/**
 * How well predicted probabilities of a right answer match what happened, over every sample and
 * scale: ECE over `bins` equal-width bins and the Brier score. An outcome may be fractional — the
 * mean of several binary outcomes (K answer models) — and the Brier score is then the mean over
 * those binary outcomes: (p − ȳ)² + ȳ(1 − ȳ) per cell. A predictor that has collapsed to base rates
 * can be well calibrated and still useless; read ECE with the Brier score and the policy results.
 */
export function calibration(probabilities: readonly ArrayLike<number>[], outcomes: readonly ArrayLike<number>[], bins = 15): Calibration {
  const b = positiveInt(bins, 'bins');
  if (!Array.isArray(probabilities) || probabilities.length === 0)
    throw argumentError(ErrorCode.InvalidArgument, 'probabilities', `expected a non-empty array of rows, got ${describe(probabilities)}`);
  if (!Array.isArray(outcomes) || outcomes.length !== probabilities.length) {
    throw argumentError(ErrorCode.ShapeMismatch, 'outcomes', `expected ${probabilities.length} rows (one per sample), got ${describe(outcomes)}`);
  }
  const count = new Float64Array(b);
  const predicted = new Float64Array(b);
  const observed = new Float64Array(b);
  let brier = 0;
  let cells = 0;
  probabilities.forEach((row, i) => {
    const out = outcomes[i]!;
    if (out?.length !== row?.length)
      throw argumentError(ErrorCode.ShapeMismatch, `outcomes[${i}]`, `expected ${row?.length} values like probabilities[${i}], got ${describe(out)}`);
    for (let j = 0; j < row.length; j++) {
      const p = row[j]!;
      const y = out[j]!;
      if (!(p >= 0 && p <= 1))
        throw argumentError(ErrorCode.InvalidArgument, `probabilities[${i}][${j}]`, `expected a probability in [0, 1], got ${describe(p)}`);
      if (!(y >= 0 && y <= 1)) throw argumentError(ErrorCode.InvalidArgument, `outcomes[${i}][${j}]`, `expected an outcome in [0, 1], got ${describe(y)}`);
      const k = Math.min(b - 1, Math.floor(p * b));
      count[k]! += 1;
      predicted[k]! += p;
      observed[k]! += y;
      brier += (p - y) ** 2 + y * (1 - y);
      cells++;
    }
  });
  let ece = 0;
  const list: CalibrationBin[] = [];
  for (let k = 0; k < b; k++) {
    if (count[k] === 0) continue;
    const mp = predicted[k]! / count[k]!;
    const mo = observed[k]! / count[k]!;
    ece += (count[k]! / cells) * Math.abs(mp - mo);
    list.push({ from: k / b, to: (k + 1) / b, count: count[k]!, meanPredicted: mp, meanObserved: mo });
  }
  return { ece, brier: brier / cells, cells, bins: list };
}
