import * as ort from 'onnxruntime-node';
import { KERNELS } from '../shapes.js';
import type { Contender, Level } from '../types.js';
import { pyramidModel, type OutputLayout } from './onnx-graph.js';

export interface OrtOptions {
  /** intraOpNumThreads; inter-op is 1 and execution sequential. */
  readonly threads: number;
  /** `nhwc` (default) transposes every level back, so the output matches matryoshka's layout. */
  readonly layout?: OutputLayout;
  /** Pass preallocated output tensors as fetches, so ORT writes into the same memory every run. */
  readonly reuseOutputs?: boolean;
}

/** onnxruntime-node, CPU execution provider, on a graph built here (see onnx-graph.ts). */
export function onnxruntime({ threads, layout = 'nhwc', reuseOutputs = false }: OrtOptions): Contender {
  const suffix = (layout === 'nchw' ? ', NCHW out' : '') + (reuseOutputs ? ', reused out' : '');
  return {
    name: `onnxruntime cpu ${threads}t${suffix}`,
    description:
      `onnxruntime-node CPU EP, intraOpNumThreads=${threads}, graphOptimizationLevel=all; graph: NHWC input → Transpose(NCHW) → ` +
      `AveragePool chained k=s=2,2,2,3 → ${layout === 'nhwc' ? 'Transpose each level back to NHWC' : 'levels left NCHW'} ` +
      "(ORT's NCHWc transformer folds the Transposes into ReorderInput/ReorderOutput around NCHWc AveragePools); " +
      'timed: new ort.Tensor over the input + await session.run (one setImmediate hop; outputs allocated by ORT)',
    kind: 'pyramid',
    outputs: reuseOutputs ? 'reused' : 'fresh',
    info: () => ({ onnxruntime: ort.env.versions.node ?? 'unknown', threads, layout }),
    setup: async (shape, input) => {
      const session = await ort.InferenceSession.create(pyramidModel(shape, layout), {
        executionProviders: ['cpu'],
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
      const dims = [shape.frames, shape.rows, shape.cols, shape.channels];
      const names = session.outputNames;
      const fetches: Record<string, ort.Tensor> = {};
      if (reuseOutputs) {
        names.forEach((name, i) => {
          const side = shape.rows / (KERNELS[i] ?? NaN);
          const levelDims = layout === 'nhwc' ? [shape.frames, side, side, shape.channels] : [shape.frames, shape.channels, side, side];
          fetches[name] = new ort.Tensor('float32', new Float32Array(shape.frames * side * side * shape.channels), levelDims);
        });
      }
      return {
        run: async (): Promise<Level[]> => {
          const feeds = { x: new ort.Tensor('float32', input, dims) };
          const out = reuseOutputs ? await session.run(feeds, fetches) : await session.run(feeds);
          return names.map((name, i) => {
            const tensor = out[name];
            if (tensor === undefined || !(tensor.data instanceof Float32Array)) throw new Error(`onnxruntime: no float32 output ${name}`);
            const side = shape.rows / (KERNELS[i] ?? NaN);
            return layout === 'nhwc' ? { data: tensor.data, rows: side, cols: side } : { data: tensor.data, rows: side, cols: side, layout: 'nchw' };
          });
        },
        dispose: () => session.release(),
      };
    },
  };
}
