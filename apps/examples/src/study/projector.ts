import { Matrix, solve } from 'ml-matrix';
import { fitPca, type Pca } from '../visual/pca.js';
import { CANVAS, type Mosaic } from './mosaics.js';

/** What a token can show: one of the ten classes, or the empty canvas. */
export const TOKEN_CLASSES = 11;
export const BACKGROUND = 10;

/**
 * The class under each token's centre of a `side`×`side` grid over the canvas (row-major): the
 * item of its cell for grids, the item where it covers the token's centre for a single item, else
 * `BACKGROUND`.
 */
export function tokenLabels(mosaic: Mosaic, side: number): Uint8Array {
  const out = new Uint8Array(side * side).fill(BACKGROUND);
  const l = mosaic.layout;
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const x = ((c + 0.5) / side) * CANVAS;
      const y = ((r + 0.5) / side) * CANVAS;
      if (l.kind === 'grid') out[r * side + c] = mosaic.labels[Math.floor((y / CANVAS) * l.n) * l.n + Math.floor((x / CANVAS) * l.n)]!;
      else if (x >= l.x && x < l.x + l.size && y >= l.y && y < l.y + l.size) out[r * side + c] = mosaic.labels[0]!;
    }
  }
  return out;
}

/**
 * The study's fixed projector, fitted once on training tokens: `classes` least-squares directions
 * (ridge regression of each token's one-hot class, background included, on its channels) followed
 * by the leading principal components, `k` rows in all. Linear, so pooling projected tokens equals
 * projecting pooled ones — M3's nested levels stay exact. The class rows are scaled to unit
 * variance on the sample, the principal rows together to unit mean variance, so neither half
 * drowns the other. The returned basis has `Pca`'s shape (rows need not be unit vectors);
 * `explained` is the principal rows' share of the variance.
 */
export function fitProjector(rows: Float32Array, labels: Uint8Array, dim: number, k: number, classes: number): Pca {
  const n = labels.length;
  if (rows.length !== n * dim) throw new RangeError(`fitProjector: expected ${n} × ${dim} values, got ${rows.length}`);
  if (!Number.isInteger(classes) || classes < 0 || classes > TOKEN_CLASSES || classes >= k)
    throw new RangeError(`fitProjector: classes must be an integer in [0, min(${TOKEN_CLASSES}, k − 1)], got ${classes}`);
  const pca = fitPca(rows, dim, k - classes);
  const pcaScale = 1 / Math.sqrt(pca.variance.reduce((a, b) => a + b, 0) / pca.k);
  const components = new Float64Array(k * dim);
  for (let j = 0; j < pca.k; j++) for (let c = 0; c < dim; c++) components[(classes + j) * dim + c] = pcaScale * pca.components[j * dim + c]!;
  if (classes > 0) {
    // Ridge: (XᵀX + λI) W = XᵀY on centred channels, λ a thousandth of the mean channel variance × n.
    const x = new Matrix(n, dim);
    for (let i = 0; i < n; i++) for (let c = 0; c < dim; c++) x.set(i, c, rows[i * dim + c]! - pca.mean[c]!);
    const y = new Matrix(n, classes);
    for (let i = 0; i < n; i++) if (labels[i]! < classes) y.set(i, labels[i]!, 1);
    const xt = x.transpose();
    const gram = xt.mmul(x);
    let trace = 0;
    for (let c = 0; c < dim; c++) trace += gram.get(c, c);
    const lambda = (1e-3 * trace) / dim;
    for (let c = 0; c < dim; c++) gram.set(c, c, gram.get(c, c) + lambda);
    const w = solve(gram, xt.mmul(y), true); // dim × classes
    const scores = x.mmul(w);
    for (let j = 0; j < classes; j++) {
      let mean = 0;
      let sq = 0;
      for (let i = 0; i < n; i++) mean += scores.get(i, j) / n;
      for (let i = 0; i < n; i++) sq += (scores.get(i, j) - mean) ** 2 / n;
      const s = 1 / Math.sqrt(sq || 1);
      for (let c = 0; c < dim; c++) components[j * dim + c] = s * w.get(c, j);
    }
  }
  return { dim, k, mean: pca.mean, components, variance: pca.variance, explained: pca.explained };
}
