// The PyTorch reference fixtures, for every package's tests (Node only; imports no package).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type { FixtureCase } from './fixture-requests.js';

export type { FixtureCase, FixtureLevel } from './fixture-requests.js';

/**
 * The PyTorch reference outputs are committed with the repository (`testing/fixtures/pytorch`, 444 KB,
 * made by PyTorch's CPU float32 ops; see its README), so a clone alone runs every parity test;
 * MATRYOSHKA_FIXTURES points elsewhere (e.g. fixtures regenerated with another PyTorch). Missing
 * fixtures fail the run: parity is not optional.
 */
export const FIXTURE_DIR = process.env.MATRYOSHKA_FIXTURES ?? fileURLToPath(new URL('./fixtures/pytorch/', import.meta.url));

export function loadManifest(): { generator: string; cases: FixtureCase[] } {
  const path = `${FIXTURE_DIR}/manifest.json`;
  if (!existsSync(path)) {
    throw new Error(`PyTorch fixtures not found at ${path}; they are committed in testing/fixtures/pytorch (or set MATRYOSHKA_FIXTURES)`);
  }
  return JSON.parse(readFileSync(path, 'utf8')) as { generator: string; cases: FixtureCase[] };
}

export function loadFloats(file: string): Float32Array {
  const bytes = readFileSync(`${FIXTURE_DIR}/${file}`);
  // Copy into an aligned buffer (Node may pool small reads at odd offsets).
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** The fixtures as the conformance suite reads them (`ConformanceContext.fixtures`), from this folder. */
export const nodeFixtures = {
  manifest: async (): Promise<{ generator: string; cases: FixtureCase[] }> => loadManifest(),
  floats: async (file: string): Promise<Float32Array> => loadFloats(file),
};

export { relativeError } from './relative-error.js';
