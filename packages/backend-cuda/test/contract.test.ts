import { describe, expect, it } from 'vitest';
import { BACKEND_CONTRACT_VERSION, tokenGrid } from '@matryoshka/core';
import { createCudaBackend } from '../src/index.js';
import { FakeDriver } from './fake-driver.js';
import { fakeLibcuda } from './host/fake-libcuda.js';
import { seeded } from './parity/data.js';

// Contract version 2: the declared version, and partial reads that copy back only what is asked.
const grid = tokenGrid(seeded(24 * 24 * 16, 9), { rows: 24, cols: 24, channels: 16 });
const copiesBack = (driver: FakeDriver) => driver.calls.filter((c) => c === 'cuMemcpyDtoHAsync_v2').length;

describe('cuda and the backend contract', () => {
  it('declares the contract version and copies back only the selected levels', async () => {
    const driver = new FakeDriver();
    const b = await createCudaBackend({ driver });
    expect(b.contractVersion).toBe(BACKEND_CONTRACT_VERSION);
    const p = await b.buildPyramid(grid, { scales: [144, 36, 9, 1], nonFinite: 'propagate' });
    let before = copiesBack(driver);
    await p.read();
    expect(copiesBack(driver) - before).toBe(4 + 1); // every level and the non-finite flag
    before = copiesBack(driver);
    const some = await p.read({ tokens: [1, 9] });
    expect(copiesBack(driver) - before).toBe(2 + 1);
    expect(some.levels.map((l) => l.plan.tokens)).toEqual([9, 1]);
    await expect(p.read({ tokens: [5] })).rejects.toMatchObject({ code: 'LEVEL_NOT_FOUND', argument: 'selection.tokens[0]' });
    p.dispose();
    b.dispose();
  });

  const fake = fakeLibcuda();
  it.skipIf(typeof fake === 'string')(
    `a partial read holds the same numbers as a full one (host emulation${typeof fake === 'string' ? `, skipped: ${fake}` : ''})`,
    async () => {
      if (typeof fake === 'string') return;
      const b = await createCudaBackend({ library: fake.path });
      const p = await b.buildPyramid(grid, { scales: [576, 144, 36, 9, 1] });
      const all = await p.read();
      const some = await p.read({ tokens: [36, 1] });
      expect(some.at(36).data).toEqual(all.at(36).data);
      expect(some.at(1).data).toEqual(all.at(1).data);
      p.dispose();
      b.dispose();
    },
  );
});
