import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** A fitted principal-component basis: `components` holds `k` unit rows of length `dim`. */
export interface Pca {
  readonly dim: number;
  readonly k: number;
  readonly mean: Float64Array;
  /** Row-major `k × dim`, largest variance first; each row's largest entry is positive (a fixed sign). */
  readonly components: Float64Array;
  /** Variance along each component, and its share of the total variance. */
  readonly variance: readonly number[];
  readonly explained: readonly number[];
}

/**
 * PCA of `rows` (row-major `n × dim`) by the eigen-decomposition of the covariance (ml-matrix),
 * keeping the `k` leading components. Deterministic: same rows → same basis, signs fixed.
 */
export function fitPca(rows: ArrayLike<number>, dim: number, k: number): Pca {
  const n = Math.floor(rows.length / dim);
  if (n < 2 || n * dim !== rows.length) throw new RangeError(`fitPca: expected n × ${dim} values with n ≥ 2, got ${rows.length}`);
  if (!Number.isInteger(k) || k < 1 || k > dim) throw new RangeError(`fitPca: k must be an integer in [1, ${dim}], got ${k}`);
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let c = 0; c < dim; c++) mean[c]! += rows[i * dim + c]!;
  for (let c = 0; c < dim; c++) mean[c]! /= n;
  // Covariance, upper triangle accumulated in float64 then mirrored.
  const cov = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < dim; c++) centred[c] = rows[i * dim + c]! - mean[c]!;
    for (let a = 0; a < dim; a++) {
      const x = centred[a]!;
      if (x === 0) continue;
      const base = a * dim;
      for (let b = a; b < dim; b++) cov[base + b]! += x * centred[b]!;
    }
  }
  const m = new Matrix(dim, dim);
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const v = cov[a * dim + b]! / (n - 1);
      m.set(a, b, v);
      m.set(b, a, v);
    }
  }
  const evd = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const vectors = evd.eigenvectorMatrix;
  const order = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]!);
  const total = values.reduce((s, v) => s + Math.max(v, 0), 0) || 1;
  const components = new Float64Array(k * dim);
  const variance: number[] = [];
  for (let j = 0; j < k; j++) {
    const col = order[j]!;
    let big = 0;
    for (let c = 0; c < dim; c++) if (Math.abs(vectors.get(c, col)) > Math.abs(big)) big = vectors.get(c, col);
    const sign = big < 0 ? -1 : 1;
    for (let c = 0; c < dim; c++) components[j * dim + c] = sign * vectors.get(c, col);
    variance.push(Math.max(values[col]!, 0));
  }
  return { dim, k, mean, components, variance, explained: variance.map((v) => v / total) };
}

/** Projects row-major `n × dim` rows onto the basis: `n × k` scores (centred on the fitted mean). */
export function projectPca(pca: Pca, rows: ArrayLike<number>, out: Float32Array = new Float32Array((rows.length / pca.dim) * pca.k)): Float32Array {
  const { dim, k, mean, components } = pca;
  const n = rows.length / dim;
  if (!Number.isInteger(n)) throw new RangeError(`projectPca: expected a multiple of ${dim} values, got ${rows.length}`);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      const base = j * dim;
      for (let c = 0; c < dim; c++) s += (rows[i * dim + c]! - mean[c]!) * components[base + c]!;
      out[i * k + j] = s;
    }
  }
  return out;
}
