import { it } from 'vitest';
import { conformanceAssert, selectCases } from './index.js';
import type { ConformanceContext } from './types.js';

/**
 * Registers the conformance cases as vitest tests (call inside a `describe`): one `it` per case
 * run, one skipped `it` per excluded case whose title says why. `context` is called when the
 * first case runs (after the host's `beforeAll`).
 */
export function conformanceTests(
  context: () => ConformanceContext,
  capabilities: ConformanceContext['capabilities'],
  exclude: Readonly<Record<string, string>> = {},
  timeoutMs = 120_000,
): void {
  const { run, skipped } = selectCases(capabilities, exclude);
  for (const c of run) it(c.name, () => c.run(context(), conformanceAssert), timeoutMs);
  skippedTests(skipped);
}

/**
 * Registers excluded cases (by a backend's commented list or a capability it lacks) as skipped
 * tests: the reason is printed when the suite is collected, and stays in the skipped test's title.
 */
export function skippedTests(skipped: ReadonlyArray<{ readonly name: string; readonly reason: string }>): void {
  for (const s of skipped) {
    console.log(`conformance: skipped ${s.name}: ${s.reason}`);
    it.skip(`${s.name} (${s.reason})`, () => undefined);
  }
}
