import { describe, expect, it } from 'vitest';
import { ErrorCode, getBackend, listBackends, tokenGrid } from '@matryoshka/core';
import { buildPyramid, createCpuBackend } from '../src/index.js';
import { seededData } from './arbitraries.js';
import { relativeError } from '@matryoshka/testing/relative-error';

const grid = tokenGrid(seededData(24 * 24 * 8, 11), { rows: 24, cols: 24, channels: 8 });

describe('the cpu backend', () => {
  it('is registered on import and always available', async () => {
    expect(await listBackends()).toContainEqual({ name: 'cpu', priority: 0, available: true });
    const cpu = await getBackend('cpu');
    expect(cpu.name).toBe('cpu');
  });

  it('answers the backend contract with the reference pyramid', async () => {
    const backend = await getBackend('cpu');
    const pyramid = await backend.buildPyramid(grid, { scales: [144, 9] });
    const cpu = await pyramid.read();
    expect(cpu.backend).toBe('cpu');
    expect(cpu.levels.map((l) => [l.rows, l.cols])).toEqual([
      [12, 12],
      [3, 3],
    ]);
    // Same numbers as the direct call (up to float32 summation order: 9 is pooled from 144 here).
    expect(relativeError(cpu.at(9).data, buildPyramid(grid, { scales: [9] }).levels[0]!.data)).toBeLessThan(1e-6);
    expect(cpu.at(144).data).toEqual(buildPyramid(grid, { scales: [144] }).levels[0]!.data);
    pyramid.dispose();
  });

  it('rejects bad arguments and use after dispose', async () => {
    const backend = createCpuBackend();
    await expect(backend.buildPyramid(grid, { scales: [0] })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, argument: 'options.scales[0]' });
    backend.dispose();
    expect(backend.disposed).toBe(true);
    await expect(backend.buildPyramid(grid)).rejects.toMatchObject({ code: ErrorCode.Disposed });
  });
});
