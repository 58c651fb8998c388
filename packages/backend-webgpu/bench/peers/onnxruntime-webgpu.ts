import type * as Ort from 'onnxruntime-node';
import { pyramidModel } from '../../../pooling/bench/peers/onnx-graph.js';
import { KERNELS } from '../shapes.js';
import type { Contender, Level, Residency, Shape } from '../types.js';
import { firstValueModel, passThroughModel, type TensorSpec } from './onnx-io.js';

type OrtModule = typeof Ort;
type Session = Ort.InferenceSession;

let loaded: Promise<OrtModule> | undefined;
/** Imported on first use, so a runtime that fails to load costs only its own rows. */
function loadOrt(): Promise<OrtModule> {
  loaded ??= import('onnxruntime-node');
  return loaded;
}

const OPTIONS: Ort.InferenceSession.SessionOptions = { executionProviders: ['webgpu'], graphOptimizationLevel: 'all' };
const ON_GPU: Ort.InferenceSession.SessionOptions = { ...OPTIONS, preferredOutputLocation: 'gpu-buffer' };

function levelSpecs(shape: Shape): TensorSpec[] {
  return KERNELS.map((k, i) => {
    const side = shape.rows / k;
    return { name: `level${i}`, dims: [shape.frames, side, side, shape.channels] };
  });
}

function cpuLevels(out: Ort.InferenceSession.OnnxValueMapType, names: readonly string[], specs: readonly TensorSpec[]): Level[] {
  return names.map((name, i) => {
    const t = out[name];
    if (t === undefined || t.location !== 'cpu' || !(t.data instanceof Float32Array)) throw new Error(`onnxruntime: no float32 CPU output ${name}`);
    const side = specs[i]?.dims[1] ?? NaN;
    return { data: t.data, rows: side, cols: side };
  });
}

/**
 * onnxruntime-node's WebGPU EP (its own Dawn inside libonnxruntime, its own device: it cannot be
 * handed the bench's device from JS) on the CPU bench's graph: NHWC → Transpose → AveragePool
 * chained k=s=2,2,2,3 → Transpose back per level.
 */
export function onnxruntimeWebGpu(residency: Residency): Contender {
  const graph = 'graph: NHWC → Transpose(NCHW) → AveragePool chained k=s=2,2,2,3 → Transpose each level to NHWC, graphOptimizationLevel=all';
  return {
    name: `onnxruntime webgpu (${residency} in, ${residency} out)`,
    description:
      residency === 'gpu'
        ? `onnxruntime-node 1.30.0, executionProviders ['webgpu'], preferredOutputLocation 'gpu-buffer'; ${graph}; ` +
          'input: a gpu-buffer tensor made once by an Identity session (ORT-node has no Tensor.fromGpuBuffer for a JS GPUBuffer); ' +
          "timed: await session.run({ x }) → await a second session's run reading the first value of the 1×1 level to the CPU (the only way to wait " +
          "for ORT's queue from JS; 4 bytes) → dispose the previous run's output tensors; levels left on ORT's device"
        : `onnxruntime-node 1.30.0, executionProviders ['webgpu'], CPU tensors in and out; ${graph}; timed: new ort.Tensor(input) + await session.run (upload, GPU work, read-back of every level)`,
    kind: 'pyramid',
    residency,
    info: async () => {
      const ort = await loadOrt();
      return { onnxruntime: ort.env.versions.node ?? 'unknown', executionProvider: 'webgpu', residency };
    },
    setup: async (ctx) => {
      const ort = await loadOrt();
      const { shape, input } = ctx;
      const dims = [shape.frames, shape.rows, shape.cols, shape.channels];
      const specs = levelSpecs(shape);
      const sessions: Session[] = [];
      const open = async (bytes: Uint8Array, options: Ort.InferenceSession.SessionOptions): Promise<Session> => {
        const s = await ort.InferenceSession.create(bytes, options);
        sessions.push(s);
        return s;
      };
      const releaseAll = async () => {
        for (const s of sessions.splice(0)) await s.release();
      };
      try {
        const pyramid = await open(pyramidModel(shape, 'nhwc'), residency === 'gpu' ? ON_GPU : OPTIONS);
        const names = pyramid.outputNames;
        if (residency === 'cpu') {
          let last: Level[] | undefined;
          return {
            run: async () => {
              last = cpuLevels(await pyramid.run({ x: new ort.Tensor('float32', input, dims) }), names, specs);
              return undefined;
            },
            levels: () => (last === undefined ? Promise.reject(new Error('onnxruntime: levels() before run()')) : Promise.resolve(last)),
            dispose: releaseAll,
          };
        }
        const stage = await open(passThroughModel([{ name: 'x', dims }]), ON_GPU);
        const x = (await stage.run({ x: new ort.Tensor('float32', input, dims) })).x_out;
        if (x === undefined || x.location !== 'gpu-buffer')
          throw new Error(`onnxruntime: staging the input on the GPU gave a ${x?.location ?? 'missing'} tensor`);
        const top = specs[specs.length - 1]!;
        const sync = await open(firstValueModel({ name: 'top', dims: top.dims }), OPTIONS);
        const read = await open(passThroughModel(specs), OPTIONS);
        let last: Ort.Tensor[] = [];
        const drop = () => {
          for (const t of last) t.dispose();
          last = [];
        };
        return {
          run: async () => {
            const out = await pyramid.run({ x });
            const levels = names.map((n) => out[n]!);
            await sync.run({ top: levels[levels.length - 1]! });
            drop();
            last = levels;
            return undefined;
          },
          levels: async () => {
            const feeds: Record<string, Ort.Tensor> = {};
            specs.forEach((s, i) => {
              feeds[s.name] = last[i]!;
            });
            return cpuLevels(await read.run(feeds), read.outputNames, specs);
          },
          dispose: async () => {
            drop();
            x.dispose();
            await releaseAll();
          },
        };
      } catch (error) {
        await releaseAll();
        throw error;
      }
    },
  };
}
