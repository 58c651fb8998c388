import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of the fake libcuda.so.1 (kernels/pool.cu on the host emulation), or '' when it could not be built. */
    fakeLibcuda: string;
    /** Why it could not be built. */
    fakeLibcudaSkip: string;
  }
}

/** Builds test/host/fake-libcuda.cpp with g++ -O2 once per test run, into a temporary folder. */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'matryoshka-fake-cuda-'));
  const out = join(dir, 'libcuda.so.1');
  const source = fileURLToPath(new URL('./fake-libcuda.cpp', import.meta.url));
  const gxx = process.env.CXX ?? 'g++';
  try {
    execFileSync(gxx, ['-std=c++17', '-O2', '-fPIC', '-shared', '-Wall', '-Wextra', '-Werror', '-o', out, source], { stdio: ['ignore', 'pipe', 'pipe'] });
    project.provide('fakeLibcuda', out);
    project.provide('fakeLibcudaSkip', '');
  } catch (error) {
    const e = error as { code?: string; stderr?: Buffer; message: string };
    if (e.code === 'ENOENT') {
      project.provide('fakeLibcuda', '');
      project.provide('fakeLibcudaSkip', `${gxx} is not installed, so the kernels cannot be built for the host emulation`);
    } else {
      // A compile error in the kernels is a failure, not a reason to skip.
      throw new Error(`g++ could not build the host emulation:\n${e.stderr?.toString() ?? e.message}`);
    }
  }
  return () => rmSync(dir, { recursive: true, force: true });
}
