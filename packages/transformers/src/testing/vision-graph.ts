import { GraphBuilder } from './onnx-graph.js';
import { gelu, layerNorm, linear, rmsNorm } from './layers.js';
import type { ResolvedVlmSpec } from './spec.js';

const LN_EPS = 1e-5;

/**
 * The vision encoder and projector: `pixel_values [batch, 3, S, S]` → patch convolution
 * (kernel = stride = patch) + position embeddings (+ a leading class token when `cls`) → pre-norm
 * ViT layers (LayerNorm, multi-head attention, GELU MLP) → final LayerNorm → with `pool` k > 1,
 * k×k average pooling of the patch grid (row-major in, row-major out) → the family's projector
 * (llava: Linear, GELU, Linear; paligemma: Linear; gemma3: RMSNorm, Linear) to the text width
 * → `image_features [batch, rows, textHidden]`.
 */
export function buildVisionGraph(spec: ResolvedVlmSpec): GraphBuilder {
  const { vision: v, text: t } = spec;
  const patches = spec.patchGrid;
  const grid = spec.grid;
  const rows = spec.imageTokens;
  const positions = patches * patches + (v.cls ? 1 : 0);
  const headDim = v.hidden / v.heads;
  const b = new GraphBuilder('vision_encoder');
  const pixels = b.input('pixel_values', ['batch_size', 3, v.imageSize, v.imageSize]);

  const conv = b.op(
    'Conv',
    [
      pixels,
      b.weight('patch_embed.weight', [v.hidden, 3, v.patchSize, v.patchSize], 1 / Math.sqrt(3 * v.patchSize ** 2)),
      b.weight('patch_embed.bias', [v.hidden], 0.02),
    ],
    {
      kernel_shape: [v.patchSize, v.patchSize],
      strides: [v.patchSize, v.patchSize],
    },
  );
  let x = b.op('Transpose', [b.op('Reshape', [conv, b.ints([0, v.hidden, patches * patches])])], { perm: [0, 2, 1] });
  if (v.cls) {
    const batch = b.op('Slice', [b.op('Shape', [pixels]), b.ints([0]), b.ints([1])]);
    const shape = b.op('Concat', [batch, b.ints([1, v.hidden])], { axis: 0 });
    const cls = b.op('Expand', [b.weight('class_embedding', [1, 1, v.hidden], 1), shape]);
    x = b.op('Concat', [cls, x], { axis: 1 });
  }
  x = b.op('Add', [x, b.weight('position_embedding', [1, positions, v.hidden], 0.2)]);

  const scale = b.floats([1 / Math.sqrt(headDim)], []);
  const split = b.ints([0, 0, v.heads, headDim]);
  for (let i = 0; i < v.layers; i++) {
    const p = `vision.layers.${i}`;
    const h = layerNorm(b, x, `${p}.ln1`, v.hidden, LN_EPS);
    const heads = (name: string, perm: number[]): string =>
      b.op('Transpose', [b.op('Reshape', [linear(b, h, `${p}.attn.${name}`, v.hidden, v.hidden, true), split])], { perm });
    const q = heads('q', [0, 2, 1, 3]);
    const kT = heads('k', [0, 2, 3, 1]);
    const val = heads('v', [0, 2, 1, 3]);
    const probs = b.op('Softmax', [b.op('Mul', [b.op('MatMul', [q, kT]), scale])], { axis: -1 });
    const ctx = b.op('Transpose', [b.op('MatMul', [probs, val])], { perm: [0, 2, 1, 3] });
    const merged = b.op('Reshape', [ctx, b.ints([0, 0, v.hidden])]);
    x = b.op('Add', [x, linear(b, merged, `${p}.attn.out`, v.hidden, v.hidden, true)]);
    const m = layerNorm(b, x, `${p}.ln2`, v.hidden, LN_EPS);
    const up = gelu(b, linear(b, m, `${p}.mlp.fc1`, v.hidden, v.intermediate, true));
    x = b.op('Add', [x, linear(b, up, `${p}.mlp.fc2`, v.intermediate, v.hidden, true)]);
  }
  x = layerNorm(b, x, 'vision.post_ln', v.hidden, LN_EPS);
  if (v.pool > 1) {
    // [batch, P², C] → [batch, C, P, P] → average k×k windows → [batch, C, G, G] → [batch, G², C].
    const image = b.op('Reshape', [b.op('Transpose', [x], { perm: [0, 2, 1] }), b.ints([0, v.hidden, patches, patches])]);
    const pooled = b.op('AveragePool', [image], { kernel_shape: [v.pool, v.pool], strides: [v.pool, v.pool] });
    x = b.op('Transpose', [b.op('Reshape', [pooled, b.ints([0, v.hidden, grid * grid])])], { perm: [0, 2, 1] });
  }
  let projected: string;
  if (spec.family === 'paligemma') {
    projected = linear(b, x, 'projector.linear', v.hidden, t.hidden, true, 1.5);
  } else if (spec.family === 'gemma3') {
    projected = linear(b, rmsNorm(b, x, 'projector.soft_emb_norm', v.hidden, 1e-6), 'projector.input_projection', v.hidden, t.hidden, false, 1.5);
  } else {
    projected = linear(b, gelu(b, linear(b, x, 'projector.linear_1', v.hidden, t.hidden, true)), 'projector.linear_2', t.hidden, t.hidden, true, 1.5);
  }
  b.output(projected, 'image_features', ['batch_size', rows, t.hidden]);
  return b;
}
