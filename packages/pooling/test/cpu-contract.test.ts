import { describe, expect, it } from 'vitest';
import { BACKEND_CONTRACT_VERSION, ErrorCode, getBackend, tokenGrid } from '@matryoshka/core';
import { avgPool2d, bilinearResize, createCpuBackend } from '../src/index.js';
import { seededData } from './arbitraries.js';

const grid = tokenGrid(seededData(24 * 24 * 4, 5), { rows: 24, cols: 24, channels: 4 });

describe('the cpu backend and contract version 2', () => {
  it('declares the contract version it implements', async () => {
    expect((await getBackend('cpu')).contractVersion).toBe(BACKEND_CONTRACT_VERSION);
  });

  it('runs single ops with the same numbers as the direct calls', async () => {
    const cpu = createCpuBackend();
    const pooled = await cpu.run('avgPool2d', grid, { kernel: 2 });
    expect([pooled.rows, pooled.cols, pooled.channels]).toEqual([12, 12, 4]);
    expect((await pooled.read()).data).toEqual(avgPool2d(grid, { kernel: 2 }).data);
    const resized = await cpu.run('bilinearResize', grid, { rows: 5, cols: 7 });
    expect(resized.data).toEqual(bilinearResize(grid, { rows: 5, cols: 7 }).data);
    pooled.dispose();
    await expect(cpu.run('avgPool2d', grid, { kernel: 0 })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, argument: 'options.kernel' });
    await expect(cpu.run('nope' as never, grid, {})).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, argument: 'op' });
    cpu.dispose();
    await expect(cpu.run('avgPool2d', grid, { kernel: 2 })).rejects.toMatchObject({ code: ErrorCode.Disposed });
  });

  it('reads a selection of levels', async () => {
    const pyramid = await createCpuBackend().buildPyramid(grid, { scales: [144, 36, 9, 1] });
    const two = await pyramid.read({ tokens: [1, 36] });
    expect(two.levels.map((l) => l.plan.tokens)).toEqual([36, 1]);
    expect(two.at(36).data).toBe(pyramid.at(36).data);
  });
});
