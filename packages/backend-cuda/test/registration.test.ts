import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fakeLibcuda } from './host/fake-libcuda.js';

// `import '@matryoshka/backend-cuda'` registers `cuda`, and listBackends() says why it cannot run,
// in a fresh Node process (the built package, as users load it).
const root = fileURLToPath(new URL('..', import.meta.url));

function listBackends(env: Record<string, string>): Array<{ name: string; priority: number; available: boolean; reason?: string }> {
  const out = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "import { listBackends } from '@matryoshka/core'; import '@matryoshka/backend-cuda'; console.log(JSON.stringify(await listBackends()));",
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

const fake = fakeLibcuda();

describe('registration', () => {
  it('reports cuda unavailable, with the reason, where the driver library cannot be loaded', () => {
    const cuda = listBackends({ MATRYOSHKA_CUDA_LIBRARY: '/nonexistent/libcuda.so.1' }).find((b) => b.name === 'cuda');
    expect(cuda).toMatchObject({ priority: 20, available: false });
    // The registry drops the `cuda: ` prefix of the error: callers print `${name}: ${reason}` once.
    expect(cuda?.reason).toMatch(
      /^the NVIDIA driver library \/nonexistent\/libcuda\.so\.1 could not be loaded \(.+\); install the NVIDIA driver \(R410 or newer, and what your GPU needs\)$/,
    );
  });

  it('on this machine: unavailable without a driver, or available on a GPU (the reason is printed)', () => {
    const cuda = listBackends({}).find((b) => b.name === 'cuda');
    console.log(`cuda backend here: ${cuda?.available ? 'available' : `unavailable: ${cuda?.reason}`}`);
    // A reason, said once: not prefixed with the name the caller prints beside it.
    if (!cuda?.available) expect(cuda?.reason).toMatch(/^(?!cuda: )\S/);
  });

  it.skipIf(typeof fake === 'string')('is available through a working driver (the fake libcuda)', () => {
    const cuda = listBackends({ MATRYOSHKA_CUDA_LIBRARY: (fake as { path: string }).path }).find((b) => b.name === 'cuda');
    expect(cuda).toEqual({ name: 'cuda', priority: 20, available: true });
  });
});
