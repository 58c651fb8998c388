import type { DenseLayer, PredictorParams } from './model.js';

/**
 * The same predictor with its scales descending, the package's order (576 → 1): scales, tokens
 * and the output layer's units (its weight columns and biases) permuted alike, the hidden layers
 * untouched, so every prediction is the same numbers, reordered. Turns an ascending predictor
 * (files of version 1, or a table's ascending columns at training) into a descending one.
 */
export function descendingScales(params: PredictorParams): PredictorParams {
  const m = params.scales.length;
  // from[o]: the unit of `params` that becomes output o.
  const from = Array.from({ length: m }, (_, j) => j).sort((a, b) => params.scales[b]! - params.scales[a]!);
  const layers = params.layers.map((l, i): DenseLayer => {
    if (i !== params.layers.length - 1) return l;
    const weights = new Float32Array(l.weights.length);
    for (let k = 0; k < l.inputs; k++) for (let o = 0; o < m; o++) weights[k * m + o] = l.weights[k * m + from[o]!]!;
    return { ...l, weights, bias: Float32Array.from(from, (j) => l.bias[j]!) };
  });
  return { ...params, scales: from.map((j) => params.scales[j]!), tokens: from.map((j) => params.tokens[j]!), layers };
}
