import fc from 'fast-check';
import { seededFloats as seeded } from '@matryoshka/testing/random';
import { ErrorCode, isMatryoshkaError, planLevels, tokenGrid, type PoolingMode, type TokenGrid } from '@matryoshka/core';

export { seededFloats as seeded } from '@matryoshka/testing/random';

/** Random grids with awkward sizes: odd, prime, channels not a multiple of 32 or 8. */
export const gridArb = (limits: { maxSide?: number; maxChannels?: number; maxFrames?: number } = {}): fc.Arbitrary<TokenGrid> =>
  fc
    .record({
      frames: fc.integer({ min: 1, max: limits.maxFrames ?? 3 }),
      rows: fc.integer({ min: 1, max: limits.maxSide ?? 30 }),
      cols: fc.integer({ min: 1, max: limits.maxSide ?? 30 }),
      channels: fc.integer({ min: 1, max: limits.maxChannels ?? 40 }),
      seed: fc.integer(),
    })
    .map(({ seed, ...sizes }) => tokenGrid(seeded(sizes.frames * sizes.rows * sizes.cols * sizes.channels, seed), sizes));

/**
 * How to ask for levels: fractions of the grid's cells (any kernels), or chains of nesting
 * kernels (2, 4, 12, …: the chained steps of the fused launch), shuffled and repeated at times.
 */
export type ScaleRequest = { readonly fractions: readonly number[] } | { readonly factors: readonly number[]; readonly order: readonly number[] };

export const scalesArb: fc.Arbitrary<ScaleRequest> = fc.oneof(
  fc.record({ fractions: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 5 }) }),
  fc.record({
    factors: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 5 }),
    order: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
  }),
);

/** Requested token counts between 1 and the grid's cells. */
export function scalesFor(g: TokenGrid, request: ScaleRequest): number[] {
  const cells = g.rows * g.cols;
  if ('fractions' in request) return request.fractions.map((t) => Math.max(1, Math.min(cells, Math.round(t * cells))));
  let k = 1;
  const kernels = request.factors.map((f) => (k *= f)).filter((x) => x <= Math.min(g.rows, g.cols));
  if (kernels.length === 0) return [cells];
  // floor(H·W / k²) tokens gives kernel k back under the m3 rule.
  const scales = kernels.map((x) => Math.max(1, Math.floor(cells / (x * x))));
  return request.order.map((i) => scales[i % scales.length]!);
}

/** Whether a plan fits (square windows can outgrow one side of a rectangular grid). */
export function plannable(g: TokenGrid, scales: number[], mode: PoolingMode): boolean {
  try {
    planLevels(g, { scales, mode });
    return true;
  } catch (error) {
    if (isMatryoshkaError(error) && error.code === ErrorCode.KernelTooLarge) return false;
    throw error;
  }
}

export { relativeError } from '@matryoshka/testing/relative-error';
