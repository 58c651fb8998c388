import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createWebGpuBackend, type WebGpuBackend } from '../src/index.js';
import { cases } from './portable/cases.js';
import type { FixtureCase, SuiteContext } from './portable/types.js';

// The portable suite on Dawn (the `webgpu` package): SwiftShader in CI, a real GPU elsewhere.
const fixtureDir = process.env.MATRYOSHKA_FIXTURES ?? fileURLToPath(new URL('../../../../shared/fixtures/pytorch/', import.meta.url));
const floats = (file: string) => {
  const bytes = readFileSync(`${fixtureDir}/${file}`);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

let backend: WebGpuBackend;
const extra: WebGpuBackend[] = [];
let ctx: SuiteContext;

beforeAll(async () => {
  backend = await createWebGpuBackend();
  console.log(`webgpu adapter: ${backend.adapter} (${backend.deviceSource})`);
  ctx = {
    host: 'node (dawn)',
    backend,
    createBackend: async (options) => {
      const b = await createWebGpuBackend(options);
      extra.push(b);
      return b;
    },
    fixtures: {
      manifest: async () => JSON.parse(readFileSync(`${fixtureDir}/manifest.json`, 'utf8')) as { generator: string; cases: FixtureCase[] },
      floats: async (file) => floats(file),
    },
  };
});

afterAll(() => {
  for (const b of extra) b.dispose();
  backend?.dispose();
});

describe('webgpu backend in Node', () => {
  for (const c of cases) it(c.name, () => c.run(ctx));
});
