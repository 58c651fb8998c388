import { KERNELS } from './shapes.js';
import type { Level, Shape } from './types.js';

/**
 * A plain float64 avg_pool2d (kernel = stride, floor mode, no padding) of each level straight from
 * the input: slow and obvious, used once per shape to check the baseline itself.
 */
export function referencePyramid(shape: Shape, input: Float32Array): Level[] {
  const { frames, rows, cols, channels: c } = shape;
  return KERNELS.map((k) => {
    const outRows = Math.floor(rows / k);
    const outCols = Math.floor(cols / k);
    const data = new Float32Array(frames * outRows * outCols * c);
    const acc = new Float64Array(c);
    for (let f = 0; f < frames; f++) {
      for (let oy = 0; oy < outRows; oy++) {
        for (let ox = 0; ox < outCols; ox++) {
          acc.fill(0);
          for (let y = oy * k; y < oy * k + k; y++) {
            for (let x = ox * k; x < ox * k + k; x++) {
              const base = ((f * rows + y) * cols + x) * c;
              for (let ch = 0; ch < c; ch++) acc[ch] = (acc[ch] ?? 0) + (input[base + ch] ?? 0);
            }
          }
          const outBase = ((f * outRows + oy) * outCols + ox) * c;
          for (let ch = 0; ch < c; ch++) data[outBase + ch] = (acc[ch] ?? 0) / (k * k);
        }
      }
    }
    return { data, rows: outRows, cols: outCols };
  });
}
