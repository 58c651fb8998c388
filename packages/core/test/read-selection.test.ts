import { describe, expect, it } from 'vitest';
import { ErrorCode, planLevels, tokenGrid, type PyramidLevel } from '../src/index.js';
import { createDevicePyramid, createTokenPyramid, type DeviceReadResult } from '../src/backend-kit/index.js';
import { expectMatryoshkaError } from '@matryoshka/testing/expect-error';

const shape = { frames: 1, rows: 4, cols: 4, channels: 1 };
const plans = planLevels(shape, { scales: [16, 4, 1] });
const levels: PyramidLevel[] = plans.map((plan) => ({
  ...tokenGrid(new Float32Array(plan.rows * plan.cols).fill(plan.tokens), { rows: plan.rows, cols: plan.cols, channels: 1 }),
  plan,
}));

describe('read(selection)', () => {
  it('a CPU pyramid returns only the levels asked for, in pyramid order', async () => {
    const p = createTokenPyramid(levels, { backend: 'cpu', mode: 'm3' });
    expect(await p.read()).toBe(p);
    const some = await p.read({ tokens: [1, 16, 1] });
    expect(some.levels.map((l) => l.plan.tokens)).toEqual([16, 1]);
    expect(some.at(1).data[0]).toBe(1);
    await expect(p.read({ tokens: [7] })).rejects.toMatchObject({ code: ErrorCode.LevelNotFound, argument: 'selection.tokens[0]' });
    await expect(p.read({ tokens: 4 as never })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, argument: 'selection.tokens' });
  });

  it('a device pyramid copies back only the selected levels, and frees once', async () => {
    const asked: number[][] = [];
    let freed = 0;
    let flag = false;
    const p = createDevicePyramid({
      backend: 'fake',
      mode: 'm3',
      nonFinite: 'reject',
      levels: plans.map((plan) => ({ plan, frames: 1, rows: plan.rows, cols: plan.cols, channels: 1 })),
      check: () => undefined,
      read: (chosen): Promise<DeviceReadResult> => {
        asked.push(chosen.map((l) => l.plan.tokens));
        return Promise.resolve({ data: chosen.map((l) => new Float32Array(l.rows * l.cols).fill(l.plan.tokens)), nonFinite: flag });
      },
      free: () => (freed += 1),
    });
    const two = await p.read({ tokens: [1, 4] });
    expect(asked).toEqual([[4, 1]]);
    expect(two.levels.map((l) => l.data[0])).toEqual([4, 1]);
    expect(await p.hasNonFinite()).toBe(false);
    flag = true;
    await expect(p.read({ tokens: [16] })).rejects.toMatchObject({ code: ErrorCode.NonFiniteValue, argument: 'input.data' });
    p.dispose();
    p.dispose();
    expect(freed).toBe(1);
    expectMatryoshkaError(() => p.at(16), ErrorCode.Disposed);
    await expect(p.read()).rejects.toMatchObject({ code: ErrorCode.Disposed });
  });
});
