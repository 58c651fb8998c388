import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ErrorCode,
  MatryoshkaError,
  disposeBackends,
  getBackend,
  listBackends,
  selectBackend,
  type Backend,
  type BackendRegistration,
  type TokenPyramid,
  BACKEND_CONTRACT_VERSION,
} from '../src/index.js';
import { createTokenPyramid, registerBackend } from '../src/backend-kit/index.js';
import { expectMatryoshkaError } from '@matryoshka/testing/expect-error';

/** A minimal backend for registry tests: counts how often it was created and disposed. */
function fakeBackend(name: string, created: { count: number }): Backend<never, TokenPyramid> {
  created.count += 1;
  let disposed = false;
  return {
    name,
    get disposed() {
      return disposed;
    },
    contractVersion: BACKEND_CONTRACT_VERSION,
    buildPyramid: () => Promise.resolve(createTokenPyramid([], { backend: name, mode: 'm3' })),
    run: () => Promise.reject(new Error('not used')),
    dispose: () => {
      disposed = true;
    },
    [Symbol.dispose]: () => {
      disposed = true;
    },
  };
}

const cleanups: Array<() => void> = [];
afterEach(async () => {
  await disposeBackends();
  cleanups.splice(0).forEach((f) => f());
});

function register(name: string, priority: number, create: BackendRegistration['create']): void {
  cleanups.push(registerBackend({ name, priority, create }));
}

describe('backend registry', () => {
  it('creates lazily, once, and picks the highest priority that works', async () => {
    const made = { count: 0 };
    register('t-low', 1, () => fakeBackend('t-low', made));
    register('t-broken', 50, () => {
      throw new MatryoshkaError(ErrorCode.BackendUnavailable, 'no device here');
    });
    expect(made.count).toBe(0);
    const { backend, skipped } = await selectBackend();
    expect(backend.name).toBe('t-low');
    expect(skipped).toEqual([{ name: 't-broken', priority: 50, available: false, reason: 'no device here' }]);
    expect(await getBackend('t-low')).toBe(backend);
    expect(made.count).toBe(1);
  });

  it('lists every backend with the reason it is unavailable', async () => {
    register('t-ok', 2, () => fakeBackend('t-ok', { count: 0 }));
    register('t-no', 3, () => Promise.reject(new Error('driver too old')));
    const list = await listBackends();
    expect(list.filter((b) => b.name.startsWith('t-'))).toEqual([
      { name: 't-no', priority: 3, available: false, reason: 'driver too old' },
      { name: 't-ok', priority: 2, available: true },
    ]);
  });

  it('tries a list of names in order and reports unknown names', async () => {
    register('t-a', 1, () => fakeBackend('t-a', { count: 0 }));
    const { backend, skipped } = await selectBackend(['t-missing', 't-a']);
    expect(backend.name).toBe('t-a');
    expect(skipped[0]).toMatchObject({ name: 't-missing', available: false });
    await expect(getBackend('t-missing')).rejects.toMatchObject({ code: ErrorCode.BackendNotFound });
  });

  it('rejects with every reason when nothing can start', async () => {
    register('t-x', 1, () => {
      throw new Error('x failed');
    });
    const error = await getBackend(['t-x']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MatryoshkaError);
    expect(error).toMatchObject({ code: ErrorCode.BackendUnavailable });
    expect((error as Error).message).toContain('t-x: x failed');
  });

  it('re-creates a backend that was disposed, and retries one that failed', async () => {
    const made = { count: 0 };
    let fail = true;
    register('t-flaky', 1, () => {
      if (fail) throw new Error('device lost');
      return fakeBackend('t-flaky', made);
    });
    await expect(getBackend('t-flaky')).rejects.toThrow('device lost');
    fail = false;
    const first = await getBackend('t-flaky');
    first.dispose();
    const second = await getBackend('t-flaky');
    expect(second).not.toBe(first);
    expect(made.count).toBe(2);
  });

  it('validates registrations', () => {
    expectMatryoshkaError(
      () => registerBackend({ name: 'Bad Name', priority: 0, create: () => fakeBackend('x', { count: 0 }) }),
      ErrorCode.InvalidArgument,
      'registration.name',
    );
    expectMatryoshkaError(
      () => registerBackend({ name: 'ok', priority: Number.NaN, create: () => fakeBackend('x', { count: 0 }) }),
      ErrorCode.InvalidArgument,
      'registration.priority',
    );
    expectMatryoshkaError(() => registerBackend({ name: 'ok', priority: 0, create: 5 as never }), ErrorCode.InvalidArgument, 'registration.create');
  });

  it('is shared by separate copies of the package, and so is the error class', async () => {
    // Two independent module instances of the package, as with duplicate installs.
    const load = async (copy: string) => (await import(/* @vite-ignore */ `../src/index.js?copy=${copy}`)) as typeof import('../src/index.js');
    const loadKit = async (copy: string) =>
      (await import(/* @vite-ignore */ `../src/backend-kit/index.js?copy=${copy}`)) as typeof import('../src/backend-kit/index.js');
    vi.resetModules();
    const copyA = await load('a');
    const kitA = await loadKit('a');
    vi.resetModules();
    const copyB = await load('b');
    expect(copyA.getBackend).not.toBe(copyB.getBackend);
    cleanups.push(kitA.registerBackend({ name: 't-shared', priority: 0, create: () => fakeBackend('t-shared', { count: 0 }) }));
    expect((await copyB.getBackend('t-shared')).name).toBe('t-shared');
    const error = new copyA.MatryoshkaError(copyA.ErrorCode.InvalidArgument, 'x');
    expect(error).toBeInstanceOf(copyB.MatryoshkaError);
    expect(copyB.isMatryoshkaError(error)).toBe(true);
    expect(copyB.isMatryoshkaError(new Error('x'))).toBe(false);
  });
});

describe('backend contract version', () => {
  it('refuses a backend written against another contract version, saying which', async () => {
    let disposed = 0;
    register('t-old', 5, () => ({ ...fakeBackend('t-old', { count: 0 }), contractVersion: 1, dispose: () => (disposed += 1) }));
    const status = (await listBackends()).find((s) => s.name === 't-old');
    expect(status).toMatchObject({ available: false });
    expect(status?.reason).toContain(`version 1, this @matryoshka/core needs ${BACKEND_CONTRACT_VERSION}`);
    expect(disposed).toBe(1);
    await expect(getBackend('t-old')).rejects.toMatchObject({ code: ErrorCode.BackendUnavailable });
  });

  it('types getBackend by name through BackendMap', async () => {
    register('t-typed', 0, () => fakeBackend('t-typed', { count: 0 }));
    // Unknown names give the generic backend; a BackendMap entry (added by a backend package) types it.
    const b: Backend<unknown> = await getBackend('t-typed');
    expect(b.contractVersion).toBe(BACKEND_CONTRACT_VERSION);
  });
});
