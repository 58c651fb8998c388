import { worstDifference } from '../relative-error.js';
import type { ConformanceAssert } from './types.js';

function ok(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** The assertions the conformance cases use; plain Errors, so any runner (or a bare page) reports them. */
export const conformanceAssert: ConformanceAssert = {
  ok,
  close(actual, expected, tol, label) {
    ok(actual.length === expected.length, `${label}: ${actual.length} values, expected ${expected.length}`);
    const { error, at } = worstDifference(actual, expected);
    ok(error <= tol, `${label}: relative error ${error.toExponential(2)} > ${tol} (at ${at}: got ${actual[at]}, expected ${expected[at]})`);
  },
  async rejects(promise, code, label, argument) {
    let error: unknown;
    try {
      await promise;
    } catch (e) {
      error = e;
    }
    ok(error !== undefined, `${label}: expected a rejection with ${code}, but it resolved`);
    const e = error as { name?: string; code?: string; argument?: string; message?: string };
    ok(e.name === 'MatryoshkaError' && e.code === code, `${label}: expected MatryoshkaError ${code}, got ${e.name} ${e.code}: ${e.message}`);
    if (argument !== undefined) ok(e.argument === argument, `${label}: expected the error to name ${argument}, got ${e.argument}`);
  },
};
