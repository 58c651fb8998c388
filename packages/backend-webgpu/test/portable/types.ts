import type { FixtureCase } from '@matryoshka/testing/fixture-requests';
import type { WebGpuBackend, WebGpuBackendOptions } from '../../src/index.js';

export type { FixtureCase };

/**
 * What a host (vitest in Node on Dawn, or a page in Chromium) gives the WebGPU suite. The
 * suite itself imports no test runner and no Node API, so the same cases run in both places.
 */
export interface SuiteContext {
  /** Where the cases run, for messages: 'node (dawn)', 'chromium', … */
  readonly host: string;
  /** A backend on the host's default device; shared by the cases (they dispose what they create). */
  readonly backend: WebGpuBackend;
  /** A fresh backend (its own device), for cases that break or dispose one. */
  createBackend(options?: WebGpuBackendOptions): Promise<WebGpuBackend>;
  readonly fixtures: {
    manifest(): Promise<{ generator: string; cases: FixtureCase[] }>;
    floats(file: string): Promise<Float32Array>;
  };
}

export interface PortableCase {
  readonly name: string;
  run(ctx: SuiteContext): Promise<void>;
}
