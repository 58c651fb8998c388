import { ErrorCode, MatryoshkaError, argumentError } from '../errors.js';
import type { LevelPlan, PoolingMode } from '../plan/plan-levels.js';
import type { GridShape, TokenGrid } from '../token-grid.js';
import { arrayOf, describe, optionsObject } from '../validate.js';

/** What is known of a level wherever its data lives: its sizes and the plan that made it. */
export interface LevelInfo extends GridShape {
  readonly plan: LevelPlan;
}

/** A level on the CPU: a plain `TokenGrid` plus its plan. */
export interface PyramidLevel extends TokenGrid, LevelInfo {}

/**
 * What every backend's `buildPyramid` resolves to. Levels may live on a device (a GPU buffer);
 * `read()` brings them all to the CPU with one await. `dispose()` frees device memory.
 */
export interface Pyramid<TLevel extends LevelInfo = LevelInfo> {
  /** The name of the backend that built it. */
  readonly backend: string;
  readonly mode: PoolingMode;
  /** `levels[i]` answers `scales[i]`. */
  readonly levels: readonly TLevel[];
  /** The level for a requested token count (or, failing that, an actual one). */
  at(tokens: number): TLevel;
  /**
   * Levels as CPU `TokenGrid`s: every level, or only those `selection.tokens` names (each found
   * as `at()` finds it), which is all a device backend then copies back. The result's `levels`
   * keep the pyramid's order.
   */
  read(selection?: ReadSelection): Promise<TokenPyramid>;
  dispose(): void;
  [Symbol.dispose](): void;
}

/** Which levels `read()` brings to the CPU: `{ tokens: [9, 1] }`; every level when omitted. */
export interface ReadSelection {
  readonly tokens?: readonly number[];
}

/** A pyramid whose levels are CPU `TokenGrid`s. `read()` resolves to itself. */
export interface TokenPyramid extends Pyramid<PyramidLevel> {}

/**
 * Finds the level for `tokens`: first by the count the caller requested, then by the actual
 * count (`plan.tokens`), so both `at(144)` and `at(169)` find 27×27's k=2 level.
 */
export function findLevel<T extends LevelInfo>(levels: readonly T[], tokens: number): T {
  const byRequest = levels.find((l) => l.plan.requested === tokens);
  const found = byRequest ?? levels.find((l) => l.plan.tokens === tokens);
  if (found === undefined) {
    const have = levels.map((l) => (l.plan.requested === l.plan.tokens ? `${l.plan.tokens}` : `${l.plan.requested}→${l.plan.tokens}`));
    throw argumentError(ErrorCode.LevelNotFound, 'tokens', `no level for ${describe(tokens)} tokens; levels: ${have.join(', ')}`);
  }
  return found;
}

/**
 * The levels a `read(selection)` asks for, in the pyramid's order, each once. Checks the
 * selection (INVALID_ARGUMENT, LEVEL_NOT_FOUND naming `selection.tokens[i]`).
 */
export function selectLevels<T extends LevelInfo>(levels: readonly T[], selection: ReadSelection | undefined): readonly T[] {
  const o = optionsObject(selection, 'selection');
  if (o.tokens === undefined) return levels;
  const wanted = new Set<T>();
  arrayOf(o.tokens, 'selection.tokens', 'an array of token counts').forEach((tokens, i) => {
    if (typeof tokens !== 'number') {
      throw argumentError(ErrorCode.InvalidArgument, `selection.tokens[${i}]`, `expected a token count, got ${describe(tokens)}`);
    }
    try {
      wanted.add(findLevel(levels, tokens));
    } catch (error) {
      if (error instanceof MatryoshkaError)
        throw new MatryoshkaError(error.code, error.message.replace(/^tokens:/, `selection.tokens[${i}]:`), { argument: `selection.tokens[${i}]` });
      throw error;
    }
  });
  return levels.filter((l) => wanted.has(l));
}

/** Builds the CPU pyramid object every backend's `read()` returns. */
export function createTokenPyramid(levels: readonly PyramidLevel[], info: { backend: string; mode: PoolingMode }): TokenPyramid {
  const frozen = Object.freeze([...levels]);
  const pyramid: TokenPyramid = {
    backend: info.backend,
    mode: info.mode,
    levels: frozen,
    at: (tokens: number) => findLevel(frozen, tokens),
    read: (selection?: ReadSelection) => {
      try {
        const chosen = selectLevels(frozen, selection);
        return Promise.resolve(chosen === frozen ? pyramid : createTokenPyramid(chosen, info));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    // CPU memory belongs to the garbage collector; nothing to free.
    dispose: () => undefined,
    [Symbol.dispose]: () => undefined,
  };
  return Object.freeze(pyramid);
}

/** For backends: the error every call on a disposed object throws. */
export function disposedError(what: string): MatryoshkaError {
  return new MatryoshkaError(ErrorCode.Disposed, `${what} was disposed and cannot be used`);
}
