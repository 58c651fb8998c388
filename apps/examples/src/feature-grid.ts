import { tokenGrid, type TokenGrid } from '@matryoshka/core';

/**
 * The demo's embedded default input until an image encoder is wired in: a CLIP-336-sized
 * 24×24×1024 grid whose features vary smoothly across the image (a few low-frequency patterns
 * per channel plus seeded noise), so coarse levels keep visible structure as real features do.
 */
export function demoFeatureGrid(rows = 24, cols = 24, channels = 1024, seed = 336): TokenGrid {
  const data = new Float32Array(rows * cols * channels);
  let s = seed;
  const noise = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  const fx = Array.from({ length: channels }, (_, c) => 1 + (c % 5));
  const fy = Array.from({ length: channels }, (_, c) => 1 + ((c * 7) % 4));
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const base = (r * cols + c) * channels;
      for (let ch = 0; ch < channels; ch++) {
        const pattern = Math.sin((Math.PI * fx[ch]! * c) / cols + ch) * Math.cos((Math.PI * fy[ch]! * r) / rows);
        data[base + ch] = pattern + 0.25 * noise();
      }
    }
  }
  return tokenGrid(data, { rows, cols, channels });
}
