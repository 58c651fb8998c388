import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PTX, PTX_ISA, PTX_KERNELS, PTX_SOURCES_SHA256, PTX_TARGET } from '../src/kernels/ptx.js';

// The committed PTX (src/kernels/ptx.ts) against its sources: always by hash; where nvcc is
// installed (CI), by compiling again; and ptxas must accept it for the GPUs that matter.
const script = fileURLToPath(new URL('../scripts/build-ptx.mjs', import.meta.url));
const build = (await import(script)) as {
  findNvcc: () => string | null;
  findPtxas: () => string | null;
  nvccRelease: (nvcc: string) => string;
  sourcesHash: () => string;
};
const nvcc = build.findNvcc();
const ptxas = build.findPtxas();
// The release the committed PTX was made with (nvcc writes it into the PTX's header).
const madeWith = /release ([\d.]+, V[\d.]+)/.exec(PTX)?.[1] ?? 'unknown';
const installed = nvcc === null ? null : build.nvccRelease(nvcc);
const recompile =
  nvcc === null
    ? 'nvcc not found (set NVCC or put the CUDA toolkit on PATH)'
    : installed !== madeWith
      ? `nvcc ${installed} is installed but the PTX was made by ${madeWith}: the outputs of two releases differ anyway`
      : '';
if (recompile !== '') console.log(`skipping the recompile check: ${recompile}; the source hash is still checked`);
if (ptxas === null) console.log('skipping the ptxas check: ptxas not found (set PTXAS or put the CUDA toolkit on PATH)');

describe('the committed PTX', () => {
  it('was compiled from the current kernel sources (sha256 of kernels/*.cu, *.cuh and the nvcc flags)', () => {
    expect(PTX_SOURCES_SHA256, 'kernels/ changed: run `npm run build:ptx` in packages/backend-cuda').toBe(build.sourcesHash());
  });

  it('targets compute_75 with PTX ISA 9.0 and defines every kernel', () => {
    expect(PTX_TARGET).toBe('compute_75');
    expect(PTX_ISA).toBe('9.0');
    expect(PTX).toMatch(/^\.target sm_75$/m);
    for (const k of PTX_KERNELS) expect(PTX).toContain(`.visible .entry ${k}(`);
    // No local memory: the kernels' arguments are read in place, nothing spills to the stack.
    expect(PTX).not.toMatch(/\.local/);
  });

  it.skipIf(recompile !== '')('is byte-identical to what nvcc makes of the sources now', () => {
    const out = execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toContain('up to date');
  });

  it.skipIf(ptxas === null)('is accepted by ptxas for sm_80 (A100) and sm_90 (H100)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'matryoshka-ptxas-'));
    try {
      const file = join(dir, 'pool.ptx');
      writeFileSync(file, PTX);
      for (const arch of ['sm_80', 'sm_90']) {
        execFileSync(ptxas!, [`-arch=${arch}`, '-o', join(dir, `${arch}.cubin`), file], { stdio: ['ignore', 'pipe', 'pipe'] });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
