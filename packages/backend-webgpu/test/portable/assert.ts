/** Tiny assertions for the portable suite (it runs without a test runner in the browser). */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** max |a − b| / max |b| ≤ tol, with sizes equal. */
export function assertClose(actual: Float32Array, expected: Float32Array, tol: number, label: string): void {
  check(actual.length === expected.length, `${label}: ${actual.length} values, expected ${expected.length}`);
  let err = 0;
  let scale = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (!(d <= err)) {
      err = d;
      at = i;
    }
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  const rel = err / (scale || 1);
  check(rel <= tol, `${label}: relative error ${rel.toExponential(2)} > ${tol} (at ${at}: got ${actual[at]}, expected ${expected[at]})`);
}

/** The promise rejects with a MatryoshkaError of this code (and names `argument` when given). */
export async function assertRejects(promise: Promise<unknown>, code: string, label: string, argument?: string): Promise<void> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  check(error !== undefined, `${label}: expected a rejection with ${code}`);
  const e = error as { name?: string; code?: string; argument?: string; message?: string };
  check(e.name === 'MatryoshkaError' && e.code === code, `${label}: expected MatryoshkaError ${code}, got ${e.name} ${e.code}: ${e.message}`);
  if (argument !== undefined) check(e.argument === argument, `${label}: expected argument ${argument}, got ${e.argument}`);
}

/** Seeded PRNG (mulberry32), so a failing shape can be replayed. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const int = (rnd: () => number, min: number, max: number): number => min + Math.floor(rnd() * (max - min + 1));
