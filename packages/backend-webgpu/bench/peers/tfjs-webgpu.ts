import type * as Tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { KERNELS } from '../shapes.js';
import type { Contender, Level, Residency } from '../types.js';

/** `chained`: k=s=2,2,2,3, each level from the previous one; `direct`: k=s=2,4,8,24, each from the input. */
export type PoolOrder = 'chained' | 'direct';

type TfModule = typeof Tf;
/** What this peer uses of tfjs's WebGPUBackend to end its batch: two public methods and its (private) encoder. */
interface TfWebGpuQueue {
  endComputePassEncoder(): void;
  submitQueue(): void;
  readonly commandEncoder: GPUCommandEncoder | null;
}

let loaded: Promise<TfModule> | undefined;

/**
 * tfjs-core + tfjs-backend-webgpu on the bench's own device. tfjs registers `webgpu` at import
 * time only when `navigator.gpu` exists (gpu.ts sets it first); its factory would then open its
 * own adapter and device, so the factory is replaced by one on `device` (kernels are registered
 * under the backend's name, so the name stays `webgpu`).
 */
export function loadTfjs(device: GPUDevice, adapterInfo: GPUAdapterInfo): Promise<TfModule> {
  loaded ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    const webgpu = (await import('@tensorflow/tfjs-backend-webgpu')) as typeof import('@tensorflow/tfjs-backend-webgpu') & {
      default?: { WebGPUBackend?: typeof WebGPUBackend };
    };
    const Backend = webgpu.WebGPUBackend ?? webgpu.default?.WebGPUBackend;
    if (Backend === undefined) throw new Error('tfjs-backend-webgpu did not register (navigator.gpu missing at import?)');
    tf.enableProdMode();
    tf.removeBackend('webgpu');
    tf.registerBackend('webgpu', () => new Backend(device, adapterInfo), 3);
    if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs: the webgpu backend failed to initialize');
    await tf.ready();
    return tf;
  })();
  return loaded;
}

function pyramid(tf: TfModule, x: Tf.Tensor4D, order: PoolOrder): Tf.Tensor4D[] {
  const out: Tf.Tensor4D[] = [];
  let previous = x;
  let previousKernel = 1;
  for (const kernel of KERNELS) {
    const step = order === 'chained' ? kernel / previousKernel : kernel;
    const level = tf.avgPool(order === 'chained' ? previous : x, step, step, 'valid');
    out.push(level);
    previous = level;
    previousKernel = kernel;
  }
  return out;
}

async function toLevels(tensors: readonly Tf.Tensor4D[]): Promise<Level[]> {
  return Promise.all(
    tensors.map(async (t): Promise<Level> => {
      const data = await t.data();
      if (!(data instanceof Float32Array)) throw new Error('tfjs: expected float32 levels');
      return { data, rows: t.shape[1], cols: t.shape[2] };
    }),
  );
}

/**
 * Ends tfjs's pending compute pass, submits its command encoder (tfjs batches up to 15 dispatches
 * before it submits on its own) and waits for the queue: the same completion point as ours.
 */
async function finish(tf: TfModule, device: GPUDevice): Promise<void> {
  const backend = tf.backend() as unknown as TfWebGpuQueue;
  backend.endComputePassEncoder();
  if (backend.commandEncoder !== null) backend.submitQueue();
  await device.queue.onSubmittedWorkDone();
}

export function tfjsWebGpu(order: PoolOrder, residency: Residency): Contender {
  const ops = order === 'chained' ? 'tf.avgPool chained k=s=2,2,2,3' : 'tf.avgPool direct k=s=2,4,8,24 from the input';
  return {
    name: `tfjs-webgpu ${order} (${residency} in, ${residency} out)`,
    description:
      residency === 'gpu'
        ? `@tensorflow/tfjs-backend-webgpu 4.22.0 on the bench's device; input: tf.tensor({ buffer, zeroCopy: true }) over the bench's GPUBuffer (made once); ` +
          `timed: ${ops} (valid) → end pass + submitQueue() → await device.queue.onSubmittedWorkDone() → dispose the previous run's levels; levels left on the GPU`
        : `@tensorflow/tfjs-backend-webgpu 4.22.0 on the bench's device; timed: tf.tensor4d(Float32Array) → ${ops} (valid) → ` +
          'await Promise.all(levels.map(t => t.data())) (one staging copy + mapAsync per level) → dispose',
    kind: 'pyramid',
    residency,
    setup: async (ctx) => {
      const { shape, device, inputBuffer, input } = ctx;
      const tf = await loadTfjs(device, ctx.adapter.info);
      const dims: [number, number, number, number] = [shape.frames, shape.rows, shape.cols, shape.channels];
      const before = tf.memory().numTensors;
      const x = residency === 'gpu' ? (tf.tensor({ buffer: inputBuffer, zeroCopy: true }, dims, 'float32') as Tf.Tensor4D) : undefined;
      let last: Tf.Tensor4D[] = [];
      let lastCpu: Level[] | undefined;
      const release = () => {
        tf.dispose(last);
        last = [];
      };
      return {
        run: async () => {
          if (x !== undefined) {
            const levels = pyramid(tf, x, order);
            await finish(tf, device);
            release();
            last = levels;
          } else {
            const fresh = tf.tensor4d(input, dims, 'float32');
            const levels = pyramid(tf, fresh, order);
            try {
              lastCpu = await toLevels(levels);
            } finally {
              tf.dispose([fresh, ...levels]);
            }
          }
          return undefined;
        },
        levels: async () => {
          if (x !== undefined) return toLevels(last);
          if (lastCpu === undefined) throw new Error('tfjs: levels() before run()');
          return lastCpu;
        },
        dispose: () => {
          release();
          if (x !== undefined) tf.dispose(x);
          const leaked = tf.memory().numTensors - before;
          if (leaked !== 0) throw new Error(`tfjs-webgpu: ${leaked} tensors leaked`);
        },
      };
    },
  };
}
