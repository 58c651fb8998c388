import fc from 'fast-check';
import { seededFloats as seededData } from '@matryoshka/testing/random';
import { tokenGrid, type TokenGrid } from '@matryoshka/core';

/** Random grids: small but awkward sizes (odd, prime, channels not a multiple of 4). */
export const gridArb = (limits: { maxSide?: number; maxChannels?: number; maxFrames?: number } = {}): fc.Arbitrary<TokenGrid> =>
  fc
    .record({
      frames: fc.integer({ min: 1, max: limits.maxFrames ?? 3 }),
      rows: fc.integer({ min: 1, max: limits.maxSide ?? 30 }),
      cols: fc.integer({ min: 1, max: limits.maxSide ?? 30 }),
      channels: fc.integer({ min: 1, max: limits.maxChannels ?? 37 }),
      seed: fc.integer(),
    })
    .map(({ seed, ...sizes }) => tokenGrid(seededData(sizes.frames * sizes.rows * sizes.cols * sizes.channels, seed), sizes));

export { seededFloats as seededData } from '@matryoshka/testing/random';

/** A requested token count between 1 and the grid's cells, from a fraction. */
export const scaleFor = (grid: TokenGrid, t: number): number => Math.max(1, Math.min(grid.rows * grid.cols, Math.round(t * grid.rows * grid.cols)));
