import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { defaultModel, encodeModel } from '../src/index.js';

// onnx-proto (protobufjs generated from onnx.proto) reads back what our hand-written writer wrote.
const { onnx } = onnxProto;

describe('the ONNX writer', () => {
  it('round-trips attributes, negative ints and raw tensors through onnx-proto', () => {
    const bytes = encodeModel({
      name: 'g',
      nodes: [{ op: 'Softmax', name: 's', inputs: ['x'], outputs: ['y'], attributes: { axis: -1, mode: 'm', alpha: { float: 0.5 }, pads: [0, 1] } }],
      initializers: [{ name: 'k', dims: [2], data: new BigInt64Array([-1n, 7n]) }],
      inputs: [{ name: 'x', dims: ['batch', 5] }],
      outputs: [{ name: 'y', dims: ['batch', 5] }],
    });
    const model = onnx.ModelProto.decode(bytes);
    expect(Number(model.irVersion)).toBe(8);
    expect(Number(model.opsetImport![0]!.version)).toBe(13);
    const attrs = Object.fromEntries(model.graph!.node![0]!.attribute!.map((a) => [a.name, a]));
    expect(Number(attrs.axis!.i)).toBe(-1);
    expect(new TextDecoder().decode(attrs.mode!.s!)).toBe('m');
    expect(attrs.alpha!.f).toBe(0.5);
    expect(attrs.pads!.ints!.map(Number)).toEqual([0, 1]);
    const k = model.graph!.initializer![0]!;
    expect(Array.from(new BigInt64Array(new Uint8Array(k.rawData!).buffer))).toEqual([-1n, 7n]);
    expect(model.graph!.input![0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 5]);
  });

  it('the default graph is plain Conv / Clip / Add with BatchNorm folded away', async () => {
    const model = onnx.ModelProto.decode((await defaultModel({ cacheDir: false })).bytes);
    const ops = new Set(model.graph!.node!.map((n) => n.opType));
    expect([...ops].sort()).toEqual(['Add', 'Clip', 'Conv', 'Transpose']);
    expect(model.graph!.output!.map((o) => o.name)).toEqual(['block_13_expand_relu']);
  });
});
