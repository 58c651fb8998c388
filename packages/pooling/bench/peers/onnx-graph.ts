import onnxProto from 'onnx-proto';
import type * as OnnxProto from 'onnx-proto';
import { KERNELS } from '../shapes.js';
import type { Shape } from '../types.js';

// onnx-proto is CommonJS: its `onnx` namespace comes through the default import.
const { onnx } = onnxProto;
type IAttributeProto = OnnxProto.onnx.IAttributeProto;
type IValueInfoProto = OnnxProto.onnx.IValueInfoProto;
type INodeProto = OnnxProto.onnx.INodeProto;

export const OPSET = 13;

function ints(name: string, values: readonly number[]): IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: [...values] };
}

function tensorInfo(name: string, dims: readonly number[]): IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
  };
}

export type OutputLayout = 'nhwc' | 'nchw';

/**
 * The ONNX model the onnxruntime contender runs: input `x` [N, H, W, C] (the token grid as is),
 * Transpose to NCHW, then AveragePool chained kernel = stride = 2, 2, 2, 3 (24 → 12 → 6 → 3 → 1;
 * exact, since every step tiles its input), each level Transposed back to NHWC unless `nchw` is asked.
 */
export function pyramidModel(shape: Shape, layout: OutputLayout): Uint8Array {
  if (shape.rows !== shape.cols) throw new Error('the chained graph assumes a square grid');
  const nodes: INodeProto[] = [{ opType: 'Transpose', input: ['x'], output: ['x_nchw'], attribute: [ints('perm', [0, 3, 1, 2])] }];
  const outputs: IValueInfoProto[] = [];
  let previousName = 'x_nchw';
  let previousKernel = 1;
  let size = shape.rows;
  KERNELS.forEach((kernel, i) => {
    const step = kernel / previousKernel;
    if (!Number.isInteger(step) || size % step !== 0) throw new Error(`kernel ${kernel} cannot be chained from ${previousKernel}`);
    size /= step;
    const pooled = `level${i}_nchw`;
    nodes.push({
      opType: 'AveragePool',
      input: [previousName],
      output: [pooled],
      attribute: [ints('kernel_shape', [step, step]), ints('strides', [step, step])],
    });
    if (layout === 'nhwc') {
      nodes.push({ opType: 'Transpose', input: [pooled], output: [`level${i}`], attribute: [ints('perm', [0, 2, 3, 1])] });
      outputs.push(tensorInfo(`level${i}`, [shape.frames, size, size, shape.channels]));
    } else {
      outputs.push(tensorInfo(pooled, [shape.frames, shape.channels, size, size]));
    }
    previousName = pooled;
    previousKernel = kernel;
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'matryoshka-bench',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: {
      name: 'm3_pyramid',
      node: nodes,
      input: [tensorInfo('x', [shape.frames, shape.rows, shape.cols, shape.channels])],
      output: outputs,
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
