import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Runs the *built* packages (dist/, as npm would install them) in a plain Node process.
const cwd = fileURLToPath(new URL('..', import.meta.url));
const node = (source: string, type: 'module' | 'commonjs'): string =>
  execFileSync(process.execPath, [type === 'module' ? '--input-type=module' : '--input-type=commonjs', '-e', source], { cwd, encoding: 'utf8' });

describe('the published packages', () => {
  it('work from CommonJS and from ESM', () => {
    const cjs = node(
      `const { tokenGrid } = require('@matryoshka/core');
       const { buildPyramid } = require('@matryoshka/pooling');
       const p = buildPyramid(tokenGrid(new Float32Array(24 * 24 * 4).fill(1), { rows: 24, cols: 24, channels: 4 }));
       console.log(p.levels.map((l) => l.plan.tokens).join(','), p.at(9).data[0]);`,
      'commonjs',
    );
    expect(cjs.trim()).toBe('576,144,36,9,1 1');
    const esm = node(
      `import { getBackend, tokenGrid } from '@matryoshka/core';
       import '@matryoshka/pooling';
       const cpu = await getBackend('cpu');
       const p = await (await cpu.buildPyramid(tokenGrid(new Float32Array(27 * 27 * 2).fill(2), { rows: 27, cols: 27, channels: 2 }), { scales: [144] })).read();
       console.log(p.levels[0].plan.tokens, p.levels[0].data[0]);`,
      'module',
    );
    expect(esm.trim()).toBe('169 2');
  });

  it('share one backend registry and one error class between the CJS and ESM copies', () => {
    const out = node(
      `import { createRequire } from 'node:module';
       import * as esmCore from '@matryoshka/core';
       const cjsCore = createRequire(import.meta.url)('@matryoshka/core');
       const cjsKit = createRequire(import.meta.url)('@matryoshka/core/backend');
       if (cjsCore.getBackend === esmCore.getBackend) throw new Error('expected two copies');
       cjsKit.registerBackend({ name: 'from-cjs', priority: 0, create: () => ({ name: 'from-cjs', contractVersion: cjsCore.BACKEND_CONTRACT_VERSION, disposed: false, buildPyramid: async () => null, run: async () => null, dispose() {}, [Symbol.dispose]() {} }) });
       const b = await esmCore.getBackend('from-cjs');
       let caught;
       try { cjsCore.tokenGrid(new Float32Array(1), { rows: 2, cols: 1, channels: 1 }); } catch (e) { caught = e; }
       console.log(b.name, caught instanceof esmCore.MatryoshkaError, caught.code);`,
      'module',
    );
    expect(out.trim()).toBe('from-cjs true SHAPE_MISMATCH');
  });
});
