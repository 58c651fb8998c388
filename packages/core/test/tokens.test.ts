import { describe, expect, it } from 'vitest';
import { ErrorCode, anyresTokenCount, planLevels, videoTokenCount } from '../src/index.js';
import { expectMatryoshkaError } from '@matryoshka/testing/expect-error';

describe('anyresTokenCount (LLaVA-NeXT)', () => {
  it('gives the true sequence lengths of an unpadded 2×2 layout at every M3 scale', () => {
    const totals = planLevels({ rows: 24, cols: 24 }).map((level) => anyresTokenCount({ level, crops: { rows: 2, cols: 2 } }).total);
    expect(totals).toEqual([2928, 744, 192, 51, 7]);
  });

  it('breaks the count down', () => {
    expect(anyresTokenCount({ level: { rows: 12, cols: 12 }, crops: { rows: 2, cols: 2 } })).toEqual({
      base: 144,
      gridRows: 24,
      gridCols: 24,
      grid: 576,
      newlines: 24,
      total: 744,
    });
  });

  it('unpads the way unpad_image does for a wide image', () => {
    // 24×24 pooled crop grid of a 2:1 image: new height int(500·24/1000) = 12, padding 6 each side.
    const t = anyresTokenCount({ level: { rows: 12, cols: 12 }, crops: { rows: 2, cols: 2 }, imageSize: { width: 1000, height: 500 } });
    expect([t.gridRows, t.gridCols, t.total]).toEqual([12, 24, 144 + 12 * 24 + 12]);
    const tall = anyresTokenCount({ level: { rows: 12, cols: 12 }, crops: { rows: 2, cols: 2 }, imageSize: { width: 500, height: 1000 } });
    expect([tall.gridRows, tall.gridCols]).toEqual([24, 12]);
  });

  it('can drop newlines and the base image', () => {
    expect(anyresTokenCount({ level: { rows: 3, cols: 3 }, crops: { rows: 1, cols: 2 }, newline: false, base: false }).total).toBe(18);
  });

  it('rejects bad layouts', () => {
    expectMatryoshkaError(() => anyresTokenCount({ level: { rows: 3, cols: 3 }, crops: { rows: 0, cols: 2 } }), ErrorCode.InvalidArgument, 'layout.crops.rows');
    expectMatryoshkaError(
      () => anyresTokenCount({ level: { rows: 3, cols: 3 }, crops: { rows: 1, cols: 1 }, newline: 'yes' as never }),
      ErrorCode.InvalidArgument,
      'layout.newline',
    );
  });
});

describe('videoTokenCount', () => {
  it('counts frames after temporal pooling', () => {
    expect(videoTokenCount({ frames: 6, level: { rows: 3, cols: 3 } })).toEqual({ frames: 6, perFrame: 9, total: 54 });
    expect(videoTokenCount({ frames: 7, level: { rows: 3, cols: 3 }, temporalKernel: 2 })).toEqual({ frames: 3, perFrame: 9, total: 27 });
  });

  it('rejects a temporal window longer than the video', () => {
    expectMatryoshkaError(
      () => videoTokenCount({ frames: 2, level: { rows: 1, cols: 1 }, temporalKernel: 4 }),
      ErrorCode.KernelTooLarge,
      'layout.temporalKernel',
    );
  });
});
