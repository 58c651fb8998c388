import onnxProto from 'onnx-proto';
import type * as OnnxProto from 'onnx-proto';
import { OPSET } from '../../../pooling/bench/peers/onnx-graph.js';

// Small graphs that move tensors between onnxruntime's GPU buffers and the CPU (the pyramid graph
// itself is the CPU bench's, ../../../pooling/bench/peers/onnx-graph.ts).
const { onnx } = onnxProto;
type INodeProto = OnnxProto.onnx.INodeProto;
type IValueInfoProto = OnnxProto.onnx.IValueInfoProto;
type ITensorProto = OnnxProto.onnx.ITensorProto;

export interface TensorSpec {
  readonly name: string;
  readonly dims: readonly number[];
}

function info({ name, dims }: TensorSpec): IValueInfoProto {
  return { name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } };
}

function int64s(name: string, values: readonly number[]): ITensorProto {
  return { name, dataType: onnx.TensorProto.DataType.INT64, dims: [values.length], int64Data: [...values] };
}

function model(name: string, nodes: INodeProto[], inputs: TensorSpec[], outputs: TensorSpec[], initializer: ITensorProto[] = []): Uint8Array {
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'matryoshka-bench',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: { name, node: nodes, input: inputs.map(info), output: outputs.map(info), initializer },
  });
  return onnx.ModelProto.encode(proto).finish();
}

/** `name` → Identity → `${name}_out` for each tensor: uploads (GPU outputs) or downloads (CPU outputs). */
export function passThroughModel(tensors: readonly TensorSpec[]): Uint8Array {
  const outputs = tensors.map((t) => ({ name: `${t.name}_out`, dims: t.dims }));
  const nodes = tensors.map((t): INodeProto => ({ opType: 'Identity', input: [t.name], output: [`${t.name}_out`] }));
  return model('pass_through', nodes, [...tensors], outputs);
}

/**
 * `name` → Slice of its first element → `first` [1, …, 1]: read to the CPU, it waits for every
 * command queued before it (onnxruntime-node exposes no queue to wait on), moving 4 bytes.
 */
export function firstValueModel(tensor: TensorSpec): Uint8Array {
  const zeros = tensor.dims.map(() => 0);
  const ones = tensor.dims.map(() => 1);
  const node: INodeProto = { opType: 'Slice', input: [tensor.name, 'starts', 'ends'], output: ['first'] };
  return model('first_value', [node], [tensor], [{ name: 'first', dims: ones }], [int64s('starts', zeros), int64s('ends', ones)]);
}
