import { describe, expect, it } from 'vitest';
import { planLevels } from '../src/index.js';
import { scheduleLevels } from '../src/backend-kit/index.js';

const schedule = (rows: number, cols: number, scales: number[], mode: 'm3' | 'ceil' = 'm3') =>
  scheduleLevels({ frames: 1, rows, cols, channels: 1 }, planLevels({ rows, cols }, { scales, mode }));

describe('scheduleLevels', () => {
  it('reads a 24×24 input once and chains every coarser level from the one before', () => {
    const s = schedule(24, 24, [576, 144, 36, 9, 1]);
    expect(s.steps.map((p) => [p.kernel, p.source, p.m, p.srcRows, p.outRows])).toEqual([
      [2, -1, 2, 24, 12],
      [4, 0, 2, 12, 6],
      [8, 1, 2, 6, 3],
      [24, 2, 3, 3, 1],
    ]);
    expect(s.levels).toEqual([
      { kind: 'identity' },
      { kind: 'step', step: 0 },
      { kind: 'step', step: 1 },
      { kind: 'step', step: 2 },
      { kind: 'step', step: 3 },
    ]);
  });

  it('reads the input again only for kernels that nest in nothing (9 on 27×27)', () => {
    const s = schedule(27, 27, [1, 9, 36, 144]);
    expect(s.steps.map((p) => [p.kernel, p.source])).toEqual([
      [2, -1],
      [4, 0],
      [9, -1],
      [27, 2],
    ]);
    expect(s.levels.map((l) => (l.kind === 'step' ? s.steps[l.step]!.kernel : l.kind))).toEqual([27, 9, 4, 2]);
  });

  it('weights clipped ceil-mode cells by the input cells they cover', () => {
    const s = schedule(27, 27, [182, 45], 'ceil'); // kernels 2 and 4
    expect(s.steps[1]!.rowWeights).toEqual(new Float64Array([...Array<number>(13).fill(2), 1]));
    expect(s.steps[0]!.rowWeights).toBeNull();
  });

  it('leaves adaptive and bilinear levels to a direct pass', () => {
    const s = scheduleLevels({ frames: 1, rows: 27, cols: 27, channels: 1 }, planLevels({ rows: 27, cols: 27 }, { scales: [144], mode: 'adaptive' }));
    expect(s).toEqual({ steps: [], levels: [{ kind: 'separable' }] });
  });
});
