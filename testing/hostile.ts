import { MessageChannel } from 'node:worker_threads';
import fc from 'fast-check';

/**
 * The hostile-input harness every package's `test/hostile/*.test.ts` uses. A call on junk has
 * exactly two acceptable outcomes: the right result (a check the test gives), or a MatryoshkaError
 * with a known code whose `argument` is set and appears in its message. Anything else — a raw
 * TypeError/RangeError, a hang past the time box, a non-finite number in the result, an input
 * array changed by the call — is a failure, recorded with the case that caused it.
 */

export const KNOWN_CODES = new Set([
  'INVALID_ARGUMENT',
  'SHAPE_MISMATCH',
  'SCALE_OUT_OF_RANGE',
  'KERNEL_TOO_LARGE',
  'NON_FINITE_VALUE',
  'LEVEL_NOT_FOUND',
  'BACKEND_NOT_FOUND',
  'BACKEND_UNAVAILABLE',
  'DISPOSED',
  'DEVICE_ERROR',
  'LIMIT_EXCEEDED',
]);

export interface Tally {
  tried: number;
  coded: number;
  correct: number;
  failing: string[];
}

export const newTally = (): Tally => ({ tried: 0, coded: 0, correct: 0, failing: [] });

export function summary(name: string, t: Tally): string {
  return `hostile ${name}: tried ${t.tried} / coded error ${t.coded} / correct ${t.correct} / failing ${t.failing.length}`;
}

/** Every typed array reachable from `value` (depth-limited), with a copy of its bytes now. */
function snapshot(value: unknown, depth = 0, seen = new Set<unknown>()): Array<{ view: ArrayBufferView; bytes: Uint8Array }> {
  if (depth > 4 || typeof value !== 'object' || value === null || seen.has(value)) return [];
  seen.add(value);
  if (ArrayBuffer.isView(value)) {
    try {
      if (value.buffer.byteLength === 0) return [];
      return [{ view: value, bytes: new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice() }];
    } catch {
      return [];
    }
  }
  const out: Array<{ view: ArrayBufferView; bytes: Uint8Array }> = [];
  let keys: string[] = [];
  try {
    keys = Object.keys(value);
  } catch {
    return out;
  }
  for (const k of keys) {
    const d = Object.getOwnPropertyDescriptor(value, k);
    if (d !== undefined && 'value' in d) out.push(...snapshot(d.value, depth + 1, seen));
  }
  return out;
}

function changed(before: Array<{ view: ArrayBufferView; bytes: Uint8Array }>, exempt: ReadonlySet<ArrayBufferView>): boolean {
  return before.some(({ view, bytes }) => {
    if (exempt.has(view)) return false;
    const now = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    if (now.length !== bytes.length) return true;
    for (let i = 0; i < now.length; i++) if (now[i] !== bytes[i]) return true;
    return false;
  });
}

function isCoded(error: unknown): error is Error & { code: string; argument?: string } {
  const e = error as { name?: unknown; code?: unknown; argument?: unknown; message?: unknown };
  return typeof error === 'object' && error !== null && e.name === 'MatryoshkaError' && typeof e.code === 'string' && KNOWN_CODES.has(e.code);
}

/** A short, safe description of a case for failure messages. */
export function show(value: unknown): string {
  try {
    return fc.stringify(value).slice(0, 300);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return '(unprintable)';
    }
  }
}

export interface Attempt {
  /** The call; may return a promise. */
  run: () => unknown;
  /** True when a result is right (finite numbers, expected sizes…); string = why it is wrong. */
  check: (result: unknown) => true | string | Promise<true | string>;
  /** What the call may write (an `out` array). Everything else reachable from `inputs` must not change. */
  writable?: unknown;
  inputs: unknown;
  /** Time box in ms (default 5000). */
  timeoutMs?: number;
  label: string;
}

/** Runs one attempt and records its outcome in `t`. */
export async function attempt(t: Tally, a: Attempt): Promise<void> {
  t.tried += 1;
  const before = snapshot(a.inputs);
  const exempt = new Set<ArrayBufferView>(Array.isArray(a.writable) ? a.writable.filter((v) => ArrayBuffer.isView(v)) : []);
  const limit = a.timeoutMs ?? 5000;
  const started = performance.now();
  let result: unknown;
  let error: unknown;
  let threw = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    result = await Promise.race([
      Promise.resolve().then(a.run),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new HangError()), limit);
      }),
    ]);
  } catch (e) {
    threw = true;
    error = e;
  } finally {
    clearTimeout(timer);
  }
  const elapsed = performance.now() - started;
  const fail = (why: string): void => {
    t.failing.push(`${a.label}: ${why}`);
  };
  if (error instanceof HangError || elapsed > limit) return fail(`took ${Math.round(elapsed)} ms (time box ${limit} ms)`);
  if (changed(before, exempt)) return fail('changed its input');
  if (threw) {
    if (!isCoded(error)) return fail(`raw ${(error as Error)?.name ?? typeof error}: ${String((error as Error)?.message ?? error).slice(0, 200)}`);
    if (typeof error.argument !== 'string' || error.argument === '' || !error.message.includes(error.argument)) {
      return fail(`${error.code} without the argument in its message: ${error.message.slice(0, 200)}`);
    }
    t.coded += 1;
    return;
  }
  const ok = await a.check(result);
  if (ok !== true) return fail(`wrong result: ${ok}`);
  t.correct += 1;
}

class HangError extends Error {}

/** True when every number in the arrays is finite. */
export function finiteArrays(...arrays: ArrayLike<number>[]): true | string {
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return `value ${i} is ${a[i]}`;
  }
  return true;
}

/** Options objects as hostile callers build them: inherited keys, throwing getters, proxies, prototype pollution names. */
export function hostileOptions(good: Record<string, unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constant(Object.create(good)),
    fc.constant(
      Object.defineProperty({ ...good }, Object.keys(good)[0] ?? 'x', {
        get: () => {
          throw new Error('getter boom');
        },
        enumerable: true,
      }),
    ),
    fc.constant(
      new Proxy(
        { ...good },
        {
          get: () => {
            throw new Error('proxy boom');
          },
          ownKeys: () => {
            throw new Error('proxy keys boom');
          },
        },
      ),
    ),
    fc.constant(JSON.parse(`{"__proto__": {"scales": [1]}, "constructor": 5}`)),
    fc.constant({ ...good, constructor: null, toString: 3 }),
    fc.constant(null),
    fc.constant([]),
    fc.constant(7),
    fc.constant('options'),
    fc.constant(new Float32Array(3)),
    fc.dictionary(fc.constantFrom(...Object.keys(good), '__proto__', 'constructor', 'valueOf'), junkValue(), { maxKeys: 4 }),
  );
}

/** Values no argument should ever be, and a few it may be. */
export function junkValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(
      null,
      undefined,
      Number.NaN,
      Infinity,
      -Infinity,
      -0,
      0,
      -1,
      0.5,
      1e9,
      2 ** 31,
      2 ** 53,
      Number.MAX_VALUE,
      '',
      '12',
      '\u001b[2J',
      true,
      Symbol('junk'),
      [],
      [1, , 3], // eslint-disable-line no-sparse-arrays
      {},
      () => 1,
      10n,
    ),
    fc.integer({ min: -5, max: 40 }),
    fc.double(),
    fc.string({ maxLength: 8 }),
    fc.array(fc.integer({ min: -2, max: 50 }), { maxLength: 6 }),
  );
}

/** A Float32Array over a detached ArrayBuffer (length 0 now). */
export function detachedFloats(length: number): Float32Array {
  const data = new Float32Array(length);
  structuredClone(data.buffer, { transfer: [data.buffer] });
  return data;
}

/** A Float32Array over a SharedArrayBuffer, filled with smooth values. */
export function sharedFloats(length: number, fill = (i: number) => Math.sin(i)): Float32Array {
  const data = new Float32Array(new SharedArrayBuffer(length * 4));
  for (let i = 0; i < length; i++) data[i] = fill(i);
  return data;
}

/**
 * A second SharedArrayBuffer object over the same memory as `buffer` (what a worker round trip
 * gives): posted through a MessageChannel and back.
 */
export async function sameMemoryOtherObject(buffer: SharedArrayBuffer): Promise<SharedArrayBuffer> {
  const { port1, port2 } = new MessageChannel();
  const received = new Promise<SharedArrayBuffer>((resolve) => {
    port2.once('message', (data: unknown) => resolve(data as SharedArrayBuffer));
  });
  port1.postMessage(buffer);
  const copy = await received;
  port1.close();
  port2.close();
  return copy;
}
