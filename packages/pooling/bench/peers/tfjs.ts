import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { KERNELS } from '../shapes.js';
import type { Contender, Level } from '../types.js';

export type TfjsBackend = 'wasm' | 'cpu';

// Silences the "install tfjs-node" banner and skips debug-only checks, as a production user would.
tf.enableProdMode();

let wasmPathsSet = false;

/** Points tfjs-backend-wasm at the .wasm files in its own dist folder (a file path: no network). */
function useLocalWasm(): void {
  if (wasmPathsSet) return;
  const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
  setWasmPaths(`${dirname(entry)}/`);
  wasmPathsSet = true;
}

async function activate(backend: TfjsBackend): Promise<void> {
  if (backend === 'wasm') useLocalWasm();
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend ${backend} failed to initialize`);
  await tf.ready();
  if (tf.getBackend() !== backend) throw new Error(`tfjs: asked for ${backend}, got ${tf.getBackend()}`);
}

/** tfjs-core avgPool (NHWC natively), chained k=s=2,2,2,3, upload and download included. */
export function tfjs(backend: TfjsBackend, minSamples?: number): Contender {
  return {
    name: `tfjs-${backend}`,
    description:
      `@tensorflow/tfjs-core ${tf.version_core} + tfjs-backend-${backend}: tf.tensor4d(input) → tf.avgPool chained ` +
      'k=s=2,2,2,3 (valid) → dataSync() of each level → dispose; all of it timed',
    kind: 'pyramid',
    ...(minSamples === undefined ? {} : { minSamples }),
    info: async () => {
      await activate(backend);
      const flags: Record<string, string | number | boolean> = { tfjs: tf.version_core, backend };
      if (backend === 'wasm') {
        flags.simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
        flags.multithread = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
      }
      return flags;
    },
    setup: async (shape, input) => {
      await activate(backend);
      const dims: [number, number, number, number] = [shape.frames, shape.rows, shape.cols, shape.channels];
      const before = tf.memory().numTensors;
      return {
        run: () => pyramid(input, dims),
        dispose: () => {
          const leaked = tf.memory().numTensors - before;
          if (leaked !== 0) throw new Error(`tfjs-${backend}: ${leaked} tensors leaked`);
        },
      };
    },
  };
}

function pyramid(input: Float32Array, dims: [number, number, number, number]): Level[] {
  const x = tf.tensor4d(input, dims, 'float32');
  const tensors: tf.Tensor4D[] = [];
  let previous = x;
  let previousKernel = 1;
  for (const kernel of KERNELS) {
    const step = kernel / previousKernel;
    previous = tf.avgPool(previous, step, step, 'valid');
    tensors.push(previous);
    previousKernel = kernel;
  }
  const levels = tensors.map((t): Level => {
    const data = t.dataSync();
    if (!(data instanceof Float32Array)) throw new Error('tfjs: expected float32 output');
    return { data, rows: t.shape[1], cols: t.shape[2] };
  });
  tf.dispose([x, ...tensors]);
  return levels;
}
