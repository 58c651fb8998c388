import { describe, expect, it } from 'vitest';
import { runDemo, DEFAULT_IMAGES } from '../src/demo.js';

describe('the demo (npm run demo)', () => {
  it('encodes the bundled photos and pools every level on the best backend', async () => {
    const { lines, pyramids } = await runDemo({ images: DEFAULT_IMAGES, scales: [576, 144, 36, 9, 1], mode: 'm3' }, () => undefined);
    const text = lines.join('\n');
    expect(text).toMatch(/Pooling on '(cpu|webgpu)'/);
    expect(text).toContain('24×24×576');
    expect(pyramids).toHaveLength(3);
    for (const p of pyramids) {
      expect(p.levels.map((l) => [l.rows, l.cols, l.channels])).toEqual([[24, 24, 576], [12, 12, 576], [6, 6, 576], [3, 3, 576], [1, 1, 576]]);
      // Real features: ReLU6 outputs in [0, 6], and not all zero.
      const full = p.levels[0]!.data;
      expect(full.every((v) => v >= 0 && v <= 6)).toBe(true);
      expect(full.some((v) => v > 0.5)).toBe(true);
    }
    expect(text).toMatch(/chelsea\.png\s+\d/);
    expect(text).toContain('576 / 2928   144 / 744');
  });

  it('fails with a clear message on a missing image', async () => {
    await expect(runDemo({ images: ['/nonexistent.png'], scales: [9], mode: 'm3' }, () => undefined)).rejects.toThrow('no such image: /nonexistent.png');
  });
});
