import { GraphBuilder } from './onnx-graph.js';
import { linear, rmsNorm, silu } from './layers.js';
import type { ResolvedVlmSpec } from './spec.js';

const BOOL = 9;
const FLOAT = 1;
/** Masked attention scores: large enough that softmax gives them exactly 0 in float32. */
const MASKED = -1e9;

/**
 * A Qwen2/Llama decoder with a real KV cache, in the `decoder_model_merged` layout transformers.js
 * drives: inputs `inputs_embeds [batch, seq, H]`, `attention_mask` int64 `[batch, past + seq]`,
 * `position_ids` int64 `[batch, seq]`, `past_key_values.{i}.key/value [batch, kvHeads, past, headDim]`
 * (past may be 0) and `num_logits_to_keep` (int64 scalar; 0 keeps every position); outputs
 * `logits [batch, keep, vocab]` and `present.{i}.key/value [batch, kvHeads, past + seq, headDim]`.
 * Gemma types add a sinusoidal absolute-position term to the embeddings (see below).
 * Each layer: RMSNorm → q/k/v (bias for qwen2) → RoPE on q and k → cache concat → grouped-query
 * attention with a causal and padding mask → o_proj → residual; RMSNorm → SwiGLU MLP → residual.
 */
export function buildDecoderGraph(spec: ResolvedVlmSpec): GraphBuilder {
  const t = spec.text;
  const headDim = t.headDim;
  const rep = t.heads / t.kvHeads;
  const qwen = t.modelType === 'qwen2';
  const b = new GraphBuilder('decoder_model_merged');
  const embeds = b.input('inputs_embeds', ['batch_size', 'sequence_length', t.hidden]);
  const mask = b.input('attention_mask', ['batch_size', 'total_sequence_length'], 'int64');
  const positions = b.input('position_ids', ['batch_size', 'sequence_length'], 'int64');
  const pasts: [string, string][] = [];
  for (let i = 0; i < t.layers; i++) {
    const dims = ['batch_size', t.kvHeads, 'past_sequence_length', headDim];
    pasts.push([b.input(`past_key_values.${i}.key`, dims), b.input(`past_key_values.${i}.value`, dims)]);
  }
  const keep = b.input('num_logits_to_keep', [], 'int64');

  // Rotary tables for the given positions: [batch, 1, seq, headDim].
  const invFreq = Array.from({ length: headDim / 2 }, (_, i) => 1 / t.ropeTheta ** ((2 * i) / headDim));
  const freqs = b.op('Mul', [b.op('Unsqueeze', [b.op('Cast', [positions], { to: FLOAT }), b.ints([2])]), b.floats(invFreq)]);
  const angles = b.op('Unsqueeze', [b.op('Concat', [freqs, freqs], { axis: -1 }), b.ints([1])]);
  const cos = b.op('Cos', [angles]);
  const sin = b.op('Sin', [angles]);
  const rope = (x: string): string => {
    const [x1, x2] = b.opN('Split', [x], { axis: -1 }, 2);
    const rotated = b.op('Concat', [b.op('Neg', [x2!]), x1!], { axis: -1 });
    return b.op('Add', [b.op('Mul', [x, cos]), b.op('Mul', [rotated, sin])]);
  };

  // Allowed (query, key) pairs: key j is visible from query i (absolute position past + i) when
  // j <= past + i and attention_mask[b, j] = 1. Shape [batch, 1, 1, seq, total].
  const index1 = b.ints([1], []);
  const total = b.op('Gather', [b.op('Shape', [mask]), index1], { axis: 0 });
  const seq = b.op('Gather', [b.op('Shape', [embeds]), index1], { axis: 0 });
  const one = b.ints([1], []);
  const queryPos = b.op('Range', [b.op('Sub', [total, seq]), total, one]);
  const keyPos = b.op('Range', [b.ints([0], []), total, one]);
  const causal = b.op('LessOrEqual', [keyPos, b.op('Unsqueeze', [queryPos, b.ints([1])])]);
  const padding = b.op('Reshape', [b.op('Cast', [mask], { to: BOOL }), b.ints([0, 1, 1, 1, -1])]);
  const allowed = b.op('And', [causal, padding]);
  const masked = b.floats([MASKED], []);
  const scale = b.floats([1 / Math.sqrt(headDim)], []);

  let x = embeds;
  if (t.modelType === 'gemma' || t.modelType === 'gemma3_text') {
    // transformers.js starts paligemma/gemma3 positions at 1, not 0. RoPE alone is relative (every
    // position shifted by one gives the same scores), so a sinusoidal absolute term is added to
    // the embeddings: a decoder fed positions from the wrong start decodes differently.
    const inverse = Array.from({ length: t.hidden }, (_, i) => 1 / 100 ** (i / t.hidden));
    const angle = b.op('Mul', [b.op('Unsqueeze', [b.op('Cast', [positions], { to: FLOAT }), b.ints([2])]), b.floats(inverse)]);
    x = b.op('Add', [x, b.op('Sin', [angle])]);
  }
  for (let i = 0; i < t.layers; i++) {
    const p = `model.layers.${i}`;
    const h = rmsNorm(b, x, `${p}.input_layernorm`, t.hidden, t.rmsNormEps);
    const project = (name: string, heads: number): string =>
      b.op('Transpose', [b.op('Reshape', [linear(b, h, `${p}.self_attn.${name}`, t.hidden, heads * headDim, qwen), b.ints([0, 0, heads, headDim])])], {
        perm: [0, 2, 1, 3],
      });
    const q = rope(project('q_proj', t.heads));
    const [pastKey, pastValue] = pasts[i]!;
    const key = b.op('Concat', [pastKey, rope(project('k_proj', t.kvHeads))], { axis: 2 }, [`present.${i}.key`]);
    const value = b.op('Concat', [pastValue, project('v_proj', t.kvHeads)], { axis: 2 }, [`present.${i}.value`]);
    // Grouped-query attention without copying the cache: queries [batch, kv, rep, seq, d] against
    // keys [batch, kv, 1, d, total] broadcast over the `rep` query heads sharing a KV head.
    const grouped = b.op('Reshape', [q, b.ints([0, t.kvHeads, rep, -1, headDim])]);
    const keysT = b.op('Unsqueeze', [b.op('Transpose', [key], { perm: [0, 1, 3, 2] }), b.ints([2])]);
    const scores = b.op('Where', [allowed, b.op('Mul', [b.op('MatMul', [grouped, keysT]), scale]), masked]);
    const probs = b.op('Softmax', [scores], { axis: -1 });
    const ctx = b.op('MatMul', [probs, b.op('Unsqueeze', [value, b.ints([2])])]);
    const merged = b.op('Reshape', [
      b.op('Transpose', [b.op('Reshape', [ctx, b.ints([0, t.heads, -1, headDim])])], { perm: [0, 2, 1, 3] }),
      b.ints([0, 0, t.heads * headDim]),
    ]);
    x = b.op('Add', [x, linear(b, merged, `${p}.self_attn.o_proj`, t.heads * headDim, t.hidden, false)]);
    const m = rmsNorm(b, x, `${p}.post_attention_layernorm`, t.hidden, t.rmsNormEps);
    const gate = silu(b, linear(b, m, `${p}.mlp.gate_proj`, t.hidden, t.intermediate, false));
    const up = linear(b, m, `${p}.mlp.up_proj`, t.hidden, t.intermediate, false);
    x = b.op('Add', [x, linear(b, b.op('Mul', [gate, up]), `${p}.mlp.down_proj`, t.intermediate, t.hidden, false)]);
  }
  for (let i = 0; i < t.layers; i++) {
    const dims = ['batch_size', t.kvHeads, 'total_sequence_length', headDim];
    b.outputs.push({ name: `present.${i}.key`, type: 'float32', dims }, { name: `present.${i}.value`, type: 'float32', dims });
  }

  // Only the last `keep` positions reach the vocabulary projection (keep = 0: all of them).
  const normed = rmsNorm(b, x, 'model.norm', t.hidden, t.rmsNormEps);
  const start = b.op('Unsqueeze', [b.op('Neg', [keep]), b.ints([0])]);
  const kept = b.op('Slice', [normed, start, b.ints([2 ** 62]), b.ints([1])]);
  const logits = linear(b, kept, 'lm_head', t.hidden, t.vocab, false, 2);
  b.output(logits, 'logits', ['batch_size', 'num_logits', t.vocab]);
  return b;
}

/** `input_ids` int64 `[batch, seq]` → `inputs_embeds [batch, seq, H]` (a Gather from the table). */
export function buildEmbedGraph(spec: ResolvedVlmSpec): GraphBuilder {
  const t = spec.text;
  const b = new GraphBuilder('embed_tokens');
  const ids = b.input('input_ids', ['batch_size', 'sequence_length'], 'int64');
  const table = b.weight('model.embed_tokens.weight', [t.vocab, t.hidden], 1);
  b.output(b.op('Gather', [table, ids], { axis: 0 }), 'inputs_embeds', ['batch_size', 'sequence_length', t.hidden]);
  return b;
}
