import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../src/index.js';
import { lowerPyramid } from '../src/backend-kit/index.js';

const TYPES = ['float32', 'float16'] as const;
const grid = { frames: 2, rows: 24, cols: 24, channels: 8 };

describe('lowerPyramid', () => {
  it('chains m3 steps through their owner levels and copies repeated kernels', () => {
    const l = lowerPyramid(grid, { scales: [576, 144, 36, 36, 9, 1, 576] }, { inputType: 'float32', outputTypes: TYPES });
    expect(l.steps.map((s) => [s.kernel, s.level, s.from])).toEqual([
      [2, 1, 'input'],
      [4, 2, { level: 1 }],
      [8, 4, { level: 2 }],
      [24, 5, { level: 4 }],
    ]);
    expect(l.levels.map((a) => a.kind)).toEqual(['identity', 'step', 'step', 'copy', 'step', 'step', 'copy']);
    expect(l.levels[3]).toEqual({ kind: 'copy', from: 2 });
    expect(l.levels[6]).toEqual({ kind: 'copy', from: 0 });
    expect(l.nonFinite).toBe('reject');
    expect(l.outputType).toBe('float32');
    expect(l.frames).toHaveLength(2);
    // An identity level is a pass (a device check) unless nothing needs checking.
    expect(l.levels[0]).toMatchObject({ kind: 'identity', copy: false });
    const p = lowerPyramid(grid, { scales: [576], nonFinite: 'propagate' }, { inputType: 'float32', outputTypes: TYPES });
    expect(p.levels[0]).toMatchObject({ kind: 'identity', copy: true });
    const h = lowerPyramid(grid, { scales: [576], nonFinite: 'propagate', outputType: 'float16' } as never, { inputType: 'float32', outputTypes: TYPES });
    expect(h.levels[0]).toMatchObject({ kind: 'identity', copy: false });
  });

  it('step windows average m source cells weighted by the input cells they cover', () => {
    // 9×9 in ceil mode: k=2 makes 5 cells (the last covers 1 input row), k=4 pools those by 2.
    const l = lowerPyramid({ frames: 1, rows: 9, cols: 9, channels: 1 }, { scales: [16, 4], mode: 'ceil' }, { inputType: 'float32', outputTypes: TYPES });
    const last = l.steps[1]!;
    expect(last.from).toEqual({ level: 0 });
    expect(last.windows.rows.map((w) => [w.start, w.end, ...w.weights])).toEqual([
      [0, 2, 0.5, 0.5],
      [2, 4, 0.5, 0.5],
      [4, 5, 1],
    ]);
  });

  it('separable modes pool the input with the plan windows', () => {
    const l = lowerPyramid({ frames: 1, rows: 27, cols: 27, channels: 1 }, { scales: [144], mode: 'adaptive' }, { inputType: 'float32', outputTypes: TYPES });
    expect(l.steps).toEqual([]);
    expect(l.levels[0]).toMatchObject({ kind: 'separable' });
  });

  it('checks nonFinite, then outputType, then the plan', () => {
    const bad = (options: unknown) => () => lowerPyramid(grid, options as never, { inputType: 'float32', outputTypes: TYPES });
    expect(bad({ nonFinite: 'x', outputType: 'int8', scales: [0] })).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidArgument, argument: 'options.nonFinite' }),
    );
    expect(bad({ outputType: 'int8', scales: [0] })).toThrow(expect.objectContaining({ argument: 'options.outputType' }));
    expect(bad({ scales: [0] })).toThrow(expect.objectContaining({ argument: 'options.scales[0]' }));
  });
});
