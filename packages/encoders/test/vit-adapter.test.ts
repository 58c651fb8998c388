import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { encodeModel, loadEncoder, type OnnxGraph } from '../src/index.js';

const C = 3; // channels = RGB, so each token is its patch's mean colour
const P = 16; // patch size

/**
 * A toy ViT-style encoder built here: a 16×16 stride-16 "patch embedding" Conv whose weights
 * average each channel over the patch, flattened to tokens `[batch, H·W, C]`, with a CLS token
 * (the tokens' max + 1000, easy to spot) prepended: `last_hidden_state` is `[batch, 1 + H·W, C]`,
 * `pooler_output` the CLS alone, and the conv grid is also exposed as NCHW and NHWC.
 */
function toyVit(height: number, width: number): Uint8Array {
  const weights = new Float32Array(C * C * P * P);
  for (let o = 0; o < C; o++) weights.fill(1 / (P * P), (o * C + o) * P * P, (o * C + o + 1) * P * P);
  const graph: OnnxGraph = {
    name: 'toy_vit',
    nodes: [
      { op: 'Conv', inputs: ['pixel_values', 'W'], outputs: ['conv_nchw'], attributes: { kernel_shape: [P, P], strides: [P, P] } },
      { op: 'Transpose', inputs: ['conv_nchw'], outputs: ['conv_nhwc'], attributes: { perm: [0, 2, 3, 1] } },
      { op: 'Reshape', inputs: ['conv_nhwc', 'token_shape'], outputs: ['tokens'] },
      { op: 'ReduceMax', inputs: ['tokens'], outputs: ['tokens_max'], attributes: { axes: [1], keepdims: 1 } },
      { op: 'Add', inputs: ['tokens_max', 'thousand'], outputs: ['cls'] },
      { op: 'Concat', inputs: ['cls', 'tokens'], outputs: ['last_hidden_state'], attributes: { axis: 1 } },
      { op: 'ReduceMax', inputs: ['cls'], outputs: ['pooler_output'], attributes: { axes: [1], keepdims: 0 } },
    ],
    initializers: [
      { name: 'W', dims: [C, C, P, P], data: weights },
      { name: 'token_shape', dims: [3], data: new BigInt64Array([0n, -1n, BigInt(C)]) },
      { name: 'thousand', dims: [], data: new Float32Array([1000]) },
    ],
    inputs: [{ name: 'pixel_values', dims: ['batch', 3, height, width] }],
    outputs: [
      { name: 'pooler_output', dims: ['batch', C] },
      { name: 'last_hidden_state', dims: ['batch', 'tokens', C] },
      { name: 'conv_nchw', dims: ['batch', C, height / P, width / P] },
      { name: 'conv_nhwc', dims: ['batch', height / P, width / P, C] },
    ],
  };
  return encodeModel(graph);
}

/** Pixels whose patch (r, c) has mean colour (r, c, 10·batch + 5) in NCHW. */
function patchPixels(batch: number, height: number, width: number): Float32Array {
  const out = new Float32Array(batch * 3 * height * width);
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const value = [Math.floor(y / P), Math.floor(x / P), 10 * b + 5];
        for (let c = 0; c < 3; c++) out[((b * 3 + c) * height + y) * width + x] = value[c]!;
      }
    }
  }
  return out;
}

function expectPatchGrid(grid: { data: Float32Array; rows: number; cols: number; channels: number }, batch: number): void {
  for (let r = 0; r < grid.rows; r++) {
    for (let c = 0; c < grid.cols; c++) {
      const token = Array.from(grid.data.subarray((r * grid.cols + c) * grid.channels, (r * grid.cols + c + 1) * grid.channels));
      expect(token).toEqual([r, c, 10 * batch + 5]);
    }
  }
}

describe('output adapters on a ViT-style graph made here', () => {
  it('picks last_hidden_state over pooler_output, drops CLS, reads patches row-major', async () => {
    const encoder = await loadEncoder(toyVit(64, 64), { ort });
    expect(encoder.output).toMatchObject({ name: 'last_hidden_state', layout: 'vit' });
    expect(encoder.input.size).toEqual({ width: 64, height: 64 });
    const grids = await encoder.encodePixels(patchPixels(2, 64, 64), 2);
    expect(grids.map((g) => [g.rows, g.cols, g.channels])).toEqual([
      [4, 4, 3],
      [4, 4, 3],
    ]);
    grids.forEach((g, b) => expectPatchGrid(g, b));
    await encoder.dispose();
  });

  it('non-square grids with options.grid, and the same grid from NCHW and NHWC conv outputs', async () => {
    const model = toyVit(32, 48);
    const pixels = patchPixels(1, 32, 48);
    for (const [output, outputLayout] of [
      ['last_hidden_state', 'vit'],
      ['conv_nchw', 'nchw'],
      ['conv_nhwc', 'nhwc'],
    ] as const) {
      const encoder = await loadEncoder(model, { ort, output, outputLayout, ...(outputLayout === 'vit' ? { grid: { rows: 2, cols: 3 } } : {}) });
      const [grid] = await encoder.encodePixels(pixels);
      expect([grid!.rows, grid!.cols, grid!.channels], output).toEqual([2, 3, 3]);
      expectPatchGrid(grid!, 0);
      await encoder.dispose();
    }
  });

  it('encodes real pixels end to end (RGBA in, CLIP normalization)', async () => {
    const encoder = await loadEncoder(toyVit(32, 32), { ort, preprocess: { preset: 'clip' } });
    const rgba = new Uint8Array(32 * 32 * 4).fill(255);
    const grid = await encoder.encode({ data: rgba, width: 32, height: 32 });
    const white = (1 - 0.48145466) / 0.26862954;
    expect(grid.rows * grid.cols).toBe(4);
    expect(grid.data[0]).toBeCloseTo(white, 4);
    await encoder.dispose();
  });
});
