import { conformanceAssert } from '@matryoshka/testing/conformance';

// The WebGPU-only cases use the conformance suite's assertions (plain Errors: no test runner in the page).

export function check(condition: unknown, message: string): asserts condition {
  conformanceAssert.ok(condition, message);
}

/** max |a − b| / max |b| ≤ tol, with sizes equal. */
export const assertClose = conformanceAssert.close;

/** The promise rejects with a MatryoshkaError of this code (and names `argument` when given). */
export const assertRejects = conformanceAssert.rejects;
