import type { WebGpuPyramid } from '../../src/index.js';
import { SCALES } from '../shapes.js';
import type { Contender, Level, ShapeContext } from '../types.js';

const OPTIONS = { scales: [...SCALES], mode: 'm3' as const };

async function readLevels(pyramid: WebGpuPyramid): Promise<Level[]> {
  const cpu = await pyramid.read();
  return cpu.levels.map((l) => ({ data: l.data, rows: l.rows, cols: l.cols }));
}

/**
 * Ours on the input already on the device: `buildPyramid({ buffer, … })` (one command buffer),
 * then `device.queue.onSubmittedWorkDone()`; the levels stay on the GPU. The previous run's
 * pyramid is disposed (its buffers destroyed) after this one completed, inside the timed run.
 */
export function oursResident(): Contender {
  return {
    name: 'ours (gpu in, gpu out)',
    description:
      'createWebGpuBackend({ device }).buildPyramid({ buffer, frames, rows, cols, channels }, { scales: [144, 36, 9, 1], mode: "m3" }) ' +
      '(default nonFinite: "reject", checked on the GPU) → await device.queue.onSubmittedWorkDone(); levels left on the GPU; ' +
      'timed: argument checks, level-buffer creation, encoding, submit, GPU work, and disposing the previous pyramid',
    kind: 'pyramid',
    residency: 'gpu',
    setup: (ctx: ShapeContext) => {
      const { shape, backend, device, inputBuffer } = ctx;
      const input = { buffer: inputBuffer, frames: shape.frames, rows: shape.rows, cols: shape.cols, channels: shape.channels };
      let last: WebGpuPyramid | undefined;
      return Promise.resolve({
        run: async () => {
          const pyramid = await backend.buildPyramid(input, OPTIONS);
          await device.queue.onSubmittedWorkDone();
          last?.dispose();
          last = pyramid;
          return undefined;
        },
        levels: () => {
          if (last === undefined) throw new Error('ours: levels() before run()');
          return readLevels(last);
        },
        dispose: () => {
          last?.dispose();
          last = undefined;
        },
      });
    },
  };
}

/** Ours from a Float32Array to CPU levels: upload, the same passes, one read-back, dispose. */
export function oursRoundTrip(): Contender {
  return {
    name: 'ours (cpu in, cpu out)',
    description:
      'buildPyramid({ data: Float32Array, frames, rows, cols, channels }, { scales: [144, 36, 9, 1], mode: "m3" }) → await pyramid.read() → dispose; ' +
      'timed: upload (queue.writeBuffer), GPU work, one staging copy + mapAsync of all levels and the non-finite flag',
    kind: 'pyramid',
    residency: 'cpu',
    setup: (ctx: ShapeContext) => {
      const { shape, backend, input } = ctx;
      const grid = { data: input, frames: shape.frames, rows: shape.rows, cols: shape.cols, channels: shape.channels };
      let last: Level[] | undefined;
      return Promise.resolve({
        run: async () => {
          const pyramid = await backend.buildPyramid(grid, OPTIONS);
          try {
            last = await readLevels(pyramid);
          } finally {
            pyramid.dispose();
          }
          return undefined;
        },
        levels: () => {
          if (last === undefined) throw new Error('ours: levels() before run()');
          return Promise.resolve(last);
        },
        dispose: () => {
          last = undefined;
        },
      });
    },
  };
}
