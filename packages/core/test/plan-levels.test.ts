import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCALES, ErrorCode, planLevels } from '../src/index.js';
import { expectMatryoshkaError } from '@matryoshka/testing/expect-error';

const summary = (grid: { rows: number; cols: number }, options: Parameters<typeof planLevels>[1]) =>
  planLevels(grid, options).map((l) => [l.requested, l.kernel, l.rows, l.cols, l.tokens]);

describe('planLevels, mode m3 (the official rule)', () => {
  it('plans the paper scales on CLIP-336 by default', () => {
    expect(summary({ rows: 24, cols: 24 }, undefined)).toEqual([
      [576, 1, 24, 24, 576],
      [144, 2, 12, 12, 144],
      [36, 4, 6, 6, 36],
      [9, 8, 3, 3, 9],
      [1, 24, 1, 1, 1],
    ]);
    expect(DEFAULT_SCALES).toEqual([576, 144, 36, 9, 1]);
  });

  it('drops the last row and column on SigLIP 27×27 like the released code', () => {
    expect(summary({ rows: 27, cols: 27 }, { scales: [144, 36, 9, 1] })).toEqual([
      [144, 2, 13, 13, 169],
      [36, 4, 6, 6, 36],
      [9, 9, 3, 3, 9],
      [1, 27, 1, 1, 1],
    ]);
    const [l] = planLevels({ rows: 27, cols: 27 }, { scales: [144] });
    expect(l!.windows.rows.at(-1)).toEqual({ start: 24, end: 26, weights: [0.5, 0.5] });
  });

  it('never rejects a count the code accepts: 100 on 24×24 becomes 144', () => {
    expect(summary({ rows: 24, cols: 24 }, { scales: [100] })).toEqual([[100, 2, 12, 12, 144]]);
  });

  it('marks the kernel-1 level as the identity', () => {
    const [full, half] = planLevels({ rows: 24, cols: 24 }, { scales: [576, 144] });
    expect(full!.identity).toBe(true);
    expect(half!.identity).toBe(false);
  });
});

describe('planLevels, other modes', () => {
  it('ceil keeps clipped edge windows', () => {
    expect(summary({ rows: 27, cols: 27 }, { scales: [144, 36, 9, 1], mode: 'ceil' })).toEqual([
      [144, 2, 14, 14, 196],
      [36, 4, 7, 7, 49],
      [9, 9, 3, 3, 9],
      [1, 27, 1, 1, 1],
    ]);
    const [l] = planLevels({ rows: 27, cols: 27 }, { scales: [144], mode: 'ceil' });
    expect(l!.windows.cols.at(-1)).toEqual({ start: 26, end: 27, weights: [1] });
  });

  it('adaptive hits the requested size exactly where it can', () => {
    expect(summary({ rows: 27, cols: 27 }, { scales: [144, 36, 9, 1], mode: 'adaptive' })).toEqual([
      [144, null, 12, 12, 144],
      [36, null, 6, 6, 36],
      [9, null, 3, 3, 9],
      [1, null, 1, 1, 1],
    ]);
    // PyTorch adaptive windows: [floor(i·27/12), ceil((i+1)·27/12)).
    const [l] = planLevels({ rows: 27, cols: 27 }, { scales: [144], mode: 'adaptive' });
    expect(l!.windows.rows.slice(0, 3).map((w) => [w.start, w.end])).toEqual([
      [0, 3],
      [2, 5],
      [4, 7],
    ]);
  });

  it('adaptive and bilinear keep the aspect ratio of rectangular grids', () => {
    expect(summary({ rows: 16, cols: 32 }, { scales: [128, 8, 1], mode: 'adaptive' })).toEqual([
      [128, null, 8, 16, 128],
      [8, null, 2, 4, 8],
      [1, null, 1, 1, 1],
    ]);
    expect(summary({ rows: 27, cols: 27 }, { scales: [196, 49], mode: 'bilinear' })).toEqual([
      [196, null, 14, 14, 196],
      [49, null, 7, 7, 49],
    ]);
  });

  it('bilinear windows carry weights that sum to one', () => {
    const [l] = planLevels({ rows: 27, cols: 27 }, { scales: [196], mode: 'bilinear' });
    for (const w of [...l!.windows.rows, ...l!.windows.cols]) {
      expect(w.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      expect(w.end - w.start).toBe(w.weights.length);
    }
  });
});

describe('planLevels rejects impossible requests, naming the argument', () => {
  it.each([
    [0, ErrorCode.InvalidArgument],
    [-4, ErrorCode.InvalidArgument],
    [2.5, ErrorCode.InvalidArgument],
    [Number.NaN, ErrorCode.InvalidArgument],
    [Number.POSITIVE_INFINITY, ErrorCode.InvalidArgument],
    [577, ErrorCode.ScaleOutOfRange],
  ])('scale %s', (scale, code) => {
    expectMatryoshkaError(() => planLevels({ rows: 24, cols: 24 }, { scales: [144, scale] }), code, 'options.scales[1]');
  });

  it('a square window that does not fit a rectangular grid', () => {
    const e = expectMatryoshkaError(() => planLevels({ rows: 16, cols: 32 }, { scales: [1] }), ErrorCode.KernelTooLarge, 'options.scales[0]');
    expect(e.message).toContain("mode 'adaptive'");
  });

  it('bad modes, scales and grids', () => {
    expectMatryoshkaError(() => planLevels({ rows: 24, cols: 24 }, { mode: 'nearest' as never }), ErrorCode.InvalidArgument, 'options.mode');
    expectMatryoshkaError(() => planLevels({ rows: 24, cols: 24 }, { scales: [] }), ErrorCode.InvalidArgument, 'options.scales');
    expectMatryoshkaError(() => planLevels({ rows: 24, cols: 24 }, { scales: 144 as never }), ErrorCode.InvalidArgument, 'options.scales');
    expectMatryoshkaError(() => planLevels({ rows: 0, cols: 24 }), ErrorCode.InvalidArgument, 'grid.rows');
  });
});

describe('planLevels properties', () => {
  const grid = fc.record({ rows: fc.integer({ min: 1, max: 40 }), cols: fc.integer({ min: 1, max: 40 }) });

  it('windows tile the kept cells, in order, and sizes agree', () => {
    fc.assert(
      fc.property(grid, fc.constantFrom('m3', 'ceil', 'adaptive', 'bilinear' as const), fc.double({ min: 0, max: 1, noNaN: true }), (g, mode, t) => {
        const requested = Math.max(1, Math.round(t * g.rows * g.cols));
        let levels;
        try {
          levels = planLevels(g, { scales: [requested], mode });
        } catch (error) {
          // The only refusal for a valid count is a square window wider than a rectangular grid.
          expect((error as { code: string }).code).toBe(ErrorCode.KernelTooLarge);
          expect(g.rows).not.toBe(g.cols);
          return;
        }
        const l = levels[0]!;
        expect(l.tokens).toBe(l.rows * l.cols);
        expect(l.windows.rows).toHaveLength(l.rows);
        expect(l.windows.cols).toHaveLength(l.cols);
        for (const [ws, size] of [
          [l.windows.rows, g.rows],
          [l.windows.cols, g.cols],
        ] as const) {
          for (const w of ws) {
            expect(w.start).toBeGreaterThanOrEqual(0);
            expect(w.end).toBeLessThanOrEqual(size);
            expect(w.end).toBeGreaterThan(w.start);
          }
          if (mode === 'm3' || mode === 'ceil') {
            // Non-overlapping, contiguous windows of the kernel, starting at 0.
            ws.forEach((w, i) => expect(w.start).toBe(i * l.kernel!));
            if (mode === 'ceil') expect(ws.at(-1)!.end).toBe(size);
          }
        }
      }),
    );
  });
});
