import { ErrorCode, MatryoshkaError, isMatryoshkaError, planLevels, type PoolingMode, type TokenPyramid } from '@matryoshka/core';
import { describe } from '@matryoshka/core/backend';
import type { FeatureGrid } from './grid.js';

/** Tokens for one image: a requested count (planned by the pooling mode), or `null` for all of them. */
export type TokenCount = number | null;

/** What a policy sees of one image: its grid and its pyramid (every default level, on the CPU). */
export interface ImageLevels {
  /** The image's position in the prompt (0-based, in `<image>` order). */
  readonly index: number;
  readonly grid: FeatureGrid;
  readonly pyramid: TokenPyramid;
}

/** Chooses each image's count on its own, e.g. a scale predictor with a threshold. */
export type TokenPolicy = (image: ImageLevels) => TokenCount | Promise<TokenCount>;

/** Chooses every image's count at once, e.g. a token budget shared by the whole prompt. */
export interface BatchTokenPolicy {
  readonly batch: (images: readonly ImageLevels[]) => readonly TokenCount[] | Promise<readonly TokenCount[]>;
}

/** One count for every image, one per image (in `<image>` order), or a policy. */
export type TokensOption = TokenCount | readonly TokenCount[] | TokenPolicy | BatchTokenPolicy;

/** A count after planning: what was asked, what the mode gives, and whether that is the whole grid. */
export interface PlannedCount {
  readonly requested: number;
  /** Pooled tokens (rows × cols of the level); the CLS row, if any, is not included. */
  readonly tokens: number;
  readonly identity: boolean;
}

export function isPolicy(tokens: TokensOption | undefined): tokens is TokenPolicy | BatchTokenPolicy {
  return typeof tokens === 'function' || (typeof tokens === 'object' && tokens !== null && !Array.isArray(tokens));
}

/** Checks a fixed `tokens` option and spreads it to one entry per image. */
export function fixedCounts(tokens: TokenCount | readonly TokenCount[] | undefined, images: number): TokenCount[] {
  if (tokens === undefined || tokens === null) return new Array<TokenCount>(images).fill(null);
  if (Array.isArray(tokens)) {
    if (tokens.length !== images) {
      throw new MatryoshkaError(
        ErrorCode.ShapeMismatch,
        `tokens: ${tokens.length} counts for ${images} image${images === 1 ? '' : 's'}; give one count per image or one for all`,
        {
          argument: 'tokens',
        },
      );
    }
    return tokens.map((t, i) => checkCount(t, `tokens[${i}]`));
  }
  if (typeof tokens === 'number') return new Array<TokenCount>(images).fill(checkCount(tokens, 'tokens'));
  throw new MatryoshkaError(ErrorCode.InvalidArgument, `tokens: expected a count, an array of counts, null or a policy, got ${describe(tokens)}`, {
    argument: 'tokens',
  });
}

/** A count must be a positive integer or `null`. */
export function checkCount(value: unknown, argument: string): TokenCount {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new MatryoshkaError(ErrorCode.InvalidArgument, `${argument}: expected a positive integer token count or null, got ${describe(value)}`, { argument });
  }
  if (value < 1) {
    throw new MatryoshkaError(ErrorCode.ScaleOutOfRange, `${argument}: an image needs at least 1 token, got ${value}`, { argument });
  }
  return value;
}

/** Plans a count on a grid with the pooling mode's rule (27×27 asked for 144 in `m3` gives 169). */
export function planCount(count: TokenCount, grid: { rows: number; cols: number }, mode: PoolingMode, argument: string): PlannedCount {
  const cells = grid.rows * grid.cols;
  if (count === null) return { requested: cells, tokens: cells, identity: true };
  if (count > cells) {
    throw new MatryoshkaError(
      ErrorCode.ScaleOutOfRange,
      `${argument}: ${count} tokens requested but the image's ${grid.rows}×${grid.cols} grid has only ${cells}`,
      {
        argument,
      },
    );
  }
  try {
    const [plan] = planLevels(grid, { scales: [count], mode });
    return { requested: count, tokens: plan!.tokens, identity: plan!.identity };
  } catch (error) {
    if (!isMatryoshkaError(error)) throw error;
    const detail = error.message.replace(/^options\.scales\[0\]: /, '');
    throw new MatryoshkaError(error.code, `${argument}: ${detail}`, { argument, cause: error });
  }
}
