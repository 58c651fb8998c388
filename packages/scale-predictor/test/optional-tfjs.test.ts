import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TFJS_INSTALL, loadTfjs } from '../src/train/tfjs.js';

// TensorFlow.js is an optional peer: only `/train` and the CLI's `train` load it.
const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};

describe('TensorFlow.js', () => {
  it('is an optional peer, not a dependency', () => {
    for (const name of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-layers']) {
      expect(pkg.dependencies[name]).toBeUndefined();
      expect(pkg.peerDependencies[name]).toBeDefined();
      expect(pkg.peerDependenciesMeta[name]?.optional).toBe(true);
    }
  });

  it('missing: MISSING_DEPENDENCY with the install command', () => {
    const empty = mkdtempSync(join(tmpdir(), 'matryoshka-no-tfjs-'));
    try {
      let error: unknown;
      try {
        loadTfjs(createRequire(join(empty, 'index.js')));
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'MISSING_DEPENDENCY' });
      expect((error as Error).message).toContain(`run: ${TFJS_INSTALL}`);
      expect((error as Error).message).toMatch(/@tensorflow\/tfjs-core, @tensorflow\/tfjs-backend-cpu, @tensorflow\/tfjs-layers are not installed/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('present: the same copy as `import` gives, with a backend ready', async () => {
    const tf = loadTfjs(createRequire(join(root, 'package.json')));
    const imported = await import('@tensorflow/tfjs-core');
    expect(tf.Tensor).toBe(imported.Tensor);
    expect(tf.sum(tf.tensor1d([1, 2])).dataSync()[0]).toBe(3);
  });
});

describe('matryoshka-oracle --version', () => {
  it('prints the package version', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), '--version'], { cwd: root, encoding: 'utf8' });
    expect(out.trim()).toBe(pkg.version);
  });
});
