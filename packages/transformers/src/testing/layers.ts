import type { GraphBuilder } from './onnx-graph.js';

/**
 * Building blocks shared by the vision tower and the decoder, written with plain opset-17 ops
 * (ONNX Runtime fuses the LayerNorm/GELU/RMSNorm patterns itself). Linear weights are stored
 * `[in, out]` for MatMul, with standard deviation `gain / sqrt(in)` so activations keep unit scale.
 */
export function linear(b: GraphBuilder, x: string, name: string, inSize: number, outSize: number, bias: boolean, gain = 1): string {
  const y = b.op('MatMul', [x, b.weight(`${name}.weight`, [inSize, outSize], gain / Math.sqrt(inSize))]);
  return bias ? b.op('Add', [y, b.weight(`${name}.bias`, [outSize], 0.02)]) : y;
}

export function layerNorm(b: GraphBuilder, x: string, name: string, size: number, eps: number): string {
  const scale = b.weight(`${name}.weight`, [size], 0.05, 1);
  const shift = b.weight(`${name}.bias`, [size], 0.02);
  return b.op('LayerNormalization', [x, scale, shift], { axis: -1, epsilon: { float: eps } });
}

/** `x / sqrt(mean(x²) + eps) · w` over the last axis. */
export function rmsNorm(b: GraphBuilder, x: string, name: string, size: number, eps: number): string {
  const meanSquare = b.op('ReduceMean', [b.op('Mul', [x, x])], { axes: [-1], keepdims: 1 });
  const inv = b.op('Reciprocal', [b.op('Sqrt', [b.op('Add', [meanSquare, b.floats([eps], [])])])]);
  return b.op('Mul', [b.op('Mul', [x, inv]), b.weight(`${name}.weight`, [size], 0.05, 1)]);
}

/** Exact (erf) GELU: `0.5·x·(1 + erf(x/√2))`. */
export function gelu(b: GraphBuilder, x: string): string {
  const erf = b.op('Erf', [b.op('Mul', [x, b.floats([Math.SQRT1_2], [])])]);
  return b.op('Mul', [b.op('Mul', [x, b.op('Add', [erf, b.floats([1], [])])]), b.floats([0.5], [])]);
}

export function silu(b: GraphBuilder, x: string): string {
  return b.op('Mul', [x, b.op('Sigmoid', [x])]);
}
