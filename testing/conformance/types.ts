import type { AnyBackend, GridShape } from '@matryoshka/core';
import type { FixtureCase } from '../fixture-requests.js';

/** What a backend can do beyond the contract's float32 CPU grids; a case needing more is skipped with the reason. */
export interface ConformanceCapabilities {
  /**
   * Float16 levels and inputs. `input` turns packed IEEE half bits into what the backend takes
   * (a device buffer, a host array with `dtype: 'float16'`); `release` frees it afterwards.
   */
  readonly float16?: {
    input(bits: Uint16Array, shape: Required<GridShape>, backend: AnyBackend): unknown | Promise<unknown>;
    release?(input: unknown): void;
  };
}

/**
 * What a host (vitest in Node, a page in a browser) gives the suite. The suite imports no test
 * runner and no Node API, so the same cases run in both places.
 */
export interface ConformanceContext {
  /** Where the cases run, for messages: 'node (dawn)', 'chromium', 'host emulation', … */
  readonly host: string;
  /** The backend under test; shared by the cases (each disposes what it creates). */
  readonly backend: AnyBackend;
  /** The numerical reference: the cpu backend of `@matryoshka/pooling`. */
  readonly reference: AnyBackend;
  /** A fresh instance of the backend under test, for cases that dispose one (the host disposes it at the end too). */
  createBackend(): Promise<AnyBackend>;
  readonly fixtures: {
    manifest(): Promise<{ generator: string; cases: FixtureCase[] }>;
    floats(file: string): Promise<Float32Array>;
  };
  readonly capabilities: ConformanceCapabilities;
  /** Device allocations the backend holds now (GPU buffers), where it counts them: "no work" and "no leak" checks use it. */
  resources?(): number;
  /** Waits for queued device work (so freed memory is really freed). */
  settle?(): Promise<void>;
}

/** Tiny assertions that throw plain Errors: no test runner needed. */
export interface ConformanceAssert {
  /** Throws `message` unless `condition` holds (no `asserts` signature: cases get `t` by context, which TS cannot narrow through). */
  ok(condition: unknown, message: string): void;
  /** max |a − b| / max |b| ≤ tol, with sizes equal. */
  close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, label: string): void;
  /** The promise rejects with a MatryoshkaError of this code (naming `argument` when given). */
  rejects(promise: Promise<unknown>, code: string, label: string, argument?: string): Promise<void>;
}

export interface ConformanceCase {
  readonly name: string;
  /** A capability the case needs; without it the case is skipped, saying so. */
  readonly needs?: keyof ConformanceCapabilities;
  run(ctx: ConformanceContext, t: ConformanceAssert): Promise<void>;
}
