import { afterEach, describe, expect, it } from 'vitest';
import {
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

// A backend that works but is slow (a GPU backend on a software adapter) must not win a choice
// without a name; asked for by name, it is served as usual.

function backend(name: string, software = false): Backend<never, TokenPyramid> & { software: boolean } {
  let disposed = false;
  const dispose = () => {
    disposed = true;
  };
  return {
    name,
    software,
    get disposed() {
      return disposed;
    },
    contractVersion: BACKEND_CONTRACT_VERSION,
    buildPyramid: () => Promise.resolve(createTokenPyramid([], { backend: name, mode: 'm3' })),
    run: () => Promise.reject(new Error('not used')),
    dispose,
    [Symbol.dispose]: dispose,
  };
}

const demote: BackendRegistration['demote'] = (b) => ((b as { software?: boolean }).software ? 'software adapter (SwiftShader)' : undefined);

const cleanups: Array<() => void> = [];
afterEach(async () => {
  await disposeBackends();
  cleanups.splice(0).forEach((f) => f());
});

function register(registration: BackendRegistration): void {
  cleanups.push(registerBackend(registration));
}

describe('demoted backends', () => {
  it('rank below every other working backend when no name is given', async () => {
    register({ name: 'd-cpu', priority: 0, create: () => backend('d-cpu') });
    register({ name: 'd-gpu', priority: 10, create: () => backend('d-gpu', true), demote });
    const { backend: chosen, skipped } = await selectBackend();
    expect(chosen.name).toBe('d-cpu');
    expect(skipped).toEqual([{ name: 'd-gpu', priority: 10, available: true, demoted: true, reason: 'software adapter (SwiftShader)' }]);
  });

  it('are served when asked for by name, alone or first in a list', async () => {
    register({ name: 'd-cpu', priority: 0, create: () => backend('d-cpu') });
    register({ name: 'd-gpu', priority: 10, create: () => backend('d-gpu', true), demote });
    expect((await getBackend('d-gpu')).name).toBe('d-gpu');
    expect((await getBackend(['d-gpu', 'd-cpu'])).name).toBe('d-gpu');
  });

  it('are picked without a name when nothing else works', async () => {
    register({ name: 'd-gpu', priority: 10, create: () => backend('d-gpu', true), demote });
    register({ name: 'd-broken', priority: 5, create: () => Promise.reject(new MatryoshkaError('BACKEND_UNAVAILABLE', 'd-broken: no driver')) });
    const { backend: chosen, skipped } = await selectBackend();
    expect(chosen.name).toBe('d-gpu');
    expect(skipped).toEqual([{ name: 'd-broken', priority: 5, available: false, reason: 'no driver' }]);
  });

  it('a hardware instance of the same backend is not demoted', async () => {
    register({ name: 'd-cpu', priority: 0, create: () => backend('d-cpu') });
    register({ name: 'd-gpu', priority: 10, create: () => backend('d-gpu', false), demote });
    expect((await getBackend()).name).toBe('d-gpu');
  });

  it('listBackends() lists them last, available, with the reason', async () => {
    register({ name: 'd-cpu', priority: 0, create: () => backend('d-cpu') });
    register({ name: 'd-gpu', priority: 10, create: () => backend('d-gpu', true), demote });
    const list = (await listBackends()).filter((s) => s.name.startsWith('d-'));
    expect(list).toEqual([
      { name: 'd-cpu', priority: 0, available: true },
      { name: 'd-gpu', priority: 10, available: true, demoted: true, reason: 'software adapter (SwiftShader)' },
    ]);
  });

  it("reasons do not repeat the backend's name", async () => {
    register({ name: 'd-cuda', priority: 20, create: () => Promise.reject(new MatryoshkaError('BACKEND_UNAVAILABLE', 'd-cuda: no libcuda.so.1')) });
    register({ name: 'd-cpu', priority: 0, create: () => backend('d-cpu') });
    const [status] = (await listBackends()).filter((s) => s.name === 'd-cuda');
    expect(status?.reason).toBe('no libcuda.so.1');
    await expect(getBackend(['d-cuda'])).rejects.toThrow(/\(d-cuda: no libcuda\.so\.1\)/);
  });

  it('rejects a demote hook that is not a function', () => {
    expect(() => registerBackend({ name: 'd-bad', priority: 0, create: () => backend('d-bad'), demote: 'yes' as never })).toThrow(/registration\.demote/);
  });
});
