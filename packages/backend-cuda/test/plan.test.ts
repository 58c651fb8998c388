import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromBfloat16, fromFloat16, toBfloat16, toFloat16 } from '@matryoshka/core';
import { lowerPyramid } from '@matryoshka/core/backend';
import { fusedGeometry } from '../src/launch/geometry.js';
import { planPyramid } from '../src/launch/pyramid-plan.js';
import { PYRAMID_ARGS_BYTES, WINDOW_ARGS_BYTES, packPyramidArgs, packWindowArgs } from '../src/kernels/args.js';

// Pure host-side arithmetic: launch plans, geometry, argument layouts, half conversions.
const plan = (rows: number, cols: number, channels: number, frames: number, scales: number[], mode: 'm3' | 'ceil' | 'adaptive' = 'm3', fuse = true) => {
  const shape = { rows, cols, channels, frames };
  const lowered = lowerPyramid(shape, { scales, mode }, { inputType: 'float32', outputTypes: ['float32'] });
  return planPyramid(lowered, { maxSharedBytes: 48 * 1024, fuse });
};

describe('planPyramid', () => {
  it('the default 24×24 pyramid is one fused launch that also writes the identity level', () => {
    const ops = plan(24, 24, 1024, 64, [576, 144, 36, 9, 1]);
    expect(ops).toHaveLength(1);
    const [op] = ops;
    expect(op?.kind).toBe('fused');
    if (op?.kind !== 'fused') return;
    expect(op.identityLevel).toBe(0);
    expect(op.steps.map((s) => [s.level, s.source, s.m, s.srcKernel, s.tile])).toEqual([
      [1, -1, 2, 1, 0],
      [2, 0, 2, 2, 144],
      [3, 1, 2, 4, 180],
      [4, 2, 3, 8, -1],
    ]);
    expect(op.geometry).toEqual({ grid: [32, 64, 1], block: [32, 8, 1], sharedBytes: 189 * 32 * 4, lanes: 32 });
  });

  it('27×27: kernels that nest in nothing read the input in the same launch', () => {
    const [op] = plan(27, 27, 8, 1, [144, 36, 9, 1]);
    if (op?.kind !== 'fused') throw new Error('expected one fused launch');
    expect(op.steps.map((s) => s.source)).toEqual([-1, 0, -1, 2]);
  });

  it('falls back to one launch per step when the tiles do not fit shared memory, and copies repeated scales', () => {
    const ops = plan(200, 200, 64, 1, [10000, 2500, 2500]);
    expect(ops.map((o) => o.kind)).toEqual(['window', 'window', 'copy']);
    expect(plan(24, 24, 64, 1, [144, 36], 'm3', false).map((o) => o.kind)).toEqual(['window', 'window']);
  });

  it('adaptive levels are window launches from the input', () => {
    expect(plan(27, 27, 8, 1, [144, 36], 'adaptive').map((o) => [o.kind, o.kind === 'window' ? o.source : null])).toEqual([
      ['window', 'input'],
      ['window', 'input'],
    ]);
  });

  it('every level is written exactly once, whatever the request', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 64 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (rows, cols, ts, fuse) => {
          const side = Math.min(rows, cols);
          const scales = ts.map((t) => Math.max(1, Math.floor((rows * cols) / Math.max(1, Math.round(t * side)) ** 2)));
          let ops;
          try {
            ops = plan(rows, cols, 16, 2, scales, 'ceil', fuse);
          } catch (error) {
            // A square window may outgrow the short side of a rectangular grid.
            fc.pre((error as { code?: string }).code !== 'KERNEL_TOO_LARGE');
            throw error;
          }
          const written = new Array<number>(scales.length).fill(0);
          for (const op of ops) {
            if (op.kind === 'fused') {
              for (const s of op.steps) written[s.level]!++;
              if (op.identityLevel >= 0) written[op.identityLevel]!++;
            } else written[op.level]!++;
          }
          expect(written).toEqual(scales.map(() => 1));
        },
      ),
    );
  });
});

describe('fusedGeometry', () => {
  it('narrows the channel slice to fit shared memory, and gives up below 8 channels', () => {
    expect(fusedGeometry(4096, 1, 189, 144, 48 * 1024)?.lanes).toBe(32);
    expect(fusedGeometry(4096, 1, 1000, 900, 48 * 1024)?.lanes).toBe(8);
    expect(fusedGeometry(4096, 1, 1600, 1600, 48 * 1024)).toBeNull();
    expect(fusedGeometry(3, 100_000, 10, 9, 48 * 1024)).toEqual({ grid: [1, 65535, 1], block: [4, 9, 1], sharedBytes: 160, lanes: 4 });
  });
});

describe('kernel arguments', () => {
  it('pack to the byte layout of kernels/pool.cu', () => {
    const p = packPyramidArgs({
      src: 0x1000n,
      identity: 0n,
      flag: 0x2000n,
      frames: 2,
      rows: 24,
      cols: 24,
      channels: 7,
      steps: [{ dst: 0x3000n, source: -1, m: 2, srcKernel: 1, srcRows: 24, srcCols: 24, outRows: 12, outCols: 12, tile: -1 }],
    });
    expect(p.byteLength).toBe(PYRAMID_ARGS_BYTES);
    const v = new DataView(p.buffer);
    expect([
      v.getBigUint64(0, true),
      v.getBigUint64(16, true),
      v.getInt32(36, true),
      v.getInt32(40, true),
      v.getBigUint64(48, true),
      v.getInt32(56, true),
      v.getInt32(84, true),
    ]).toEqual([0x1000n, 0x2000n, 7, 1, 0x3000n, -1, -1]);
    const w = packWindowArgs({
      src: 1n,
      dst: 2n,
      table: 3n,
      flag: 4n,
      total: 2 ** 33,
      inFrames: 1,
      inRows: 2,
      inCols: 3,
      channels: 4,
      outRows: 5,
      outCols: 6,
      frameTable: 7,
      rowTable: 8,
      colTable: 9,
      reduce: 'max',
    });
    expect(w.byteLength).toBe(WINDOW_ARGS_BYTES);
    const wv = new DataView(w.buffer);
    expect([wv.getBigUint64(32, true), wv.getInt32(52, true), wv.getInt32(76, true)]).toEqual([2n ** 33n, 4, 1]);
  });
});

describe('half conversions', () => {
  it('float16 and bfloat16 round-trip every finite value and round to nearest even', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const isNaN16 = (i: number) => (i & 0x7c00) === 0x7c00 && (i & 0x3ff) !== 0;
    const isNaNbf = (i: number) => (i & 0x7f80) === 0x7f80 && (i & 0x7f) !== 0;
    const h = toFloat16(fromFloat16(all));
    const b = toBfloat16(fromBfloat16(all));
    for (let i = 0; i < 65536; i++) {
      if (!isNaN16(i)) expect(h[i]).toBe(i);
      if (!isNaNbf(i)) expect(b[i]).toBe(i);
      else expect(Number.isNaN(fromBfloat16(b.subarray(i, i + 1))[0])).toBe(true);
    }
    expect([...toBfloat16(Float32Array.from([1 + 2 ** -8, 1 + 3 * 2 ** -8, 3.4e38]))]).toEqual([0x3f80, 0x3f82, 0x7f80]);
  });
});
