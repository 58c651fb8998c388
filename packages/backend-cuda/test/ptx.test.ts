import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PTX, PTX_CHECKED_TARGETS, PTX_CUDA_VERSION, PTX_ISA, PTX_KERNELS, PTX_MIN_DRIVER, PTX_SOURCES_SHA256, PTX_TARGET } from '../src/kernels/ptx.js';

// The committed PTX (src/kernels/ptx.ts) against its sources: always by hash; where nvcc is
// installed (CI), by compiling again; and ptxas must accept it for the GPUs that matter, at the
// lowest ISA it declares (the oldest drivers that can run it).
const script = fileURLToPath(new URL('../scripts/build-ptx.mjs', import.meta.url));
const build = (await import(script)) as {
  findNvcc: () => string | null;
  findPtxas: () => string | null;
  nvccRelease: (nvcc: string) => string;
  sourcesHash: () => string;
  withIsa: (ptx: string, isa: string) => string;
  assembles: (ptxas: string, ptx: string, targets?: readonly string[]) => { ok: boolean; error?: string };
  ISA_DRIVERS: ReadonlyArray<{ isa: string; cuda: string; driver: string }>;
  TARGETS: readonly string[];
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
if (ptxas === null) console.log('skipping the ptxas checks: ptxas not found (set PTXAS or put the CUDA toolkit on PATH)');

const GPUS = ['sm_75', 'sm_80', 'sm_86', 'sm_89', 'sm_90'];

describe('the committed PTX', () => {
  it('was compiled from the current kernel sources (sha256 of kernels/*.cu, *.cuh, the nvcc flags and the post-processing)', () => {
    expect(PTX_SOURCES_SHA256, 'kernels/ changed: run `npm run build:ptx` in packages/backend-cuda').toBe(build.sourcesHash());
  });

  it('targets compute_75, declares an ISA R520+ drivers run (≤ 7.8), and defines every kernel', () => {
    expect(PTX_TARGET).toBe('compute_75');
    expect(PTX).toMatch(/^\.target sm_75$/m);
    expect(PTX).toMatch(new RegExp(`^\\.version ${PTX_ISA.replace('.', '\\.')}$`, 'm'));
    expect(Number(PTX_ISA)).toBeLessThanOrEqual(7.8);
    expect(build.ISA_DRIVERS.find((d) => d.isa === PTX_ISA)).toEqual({ isa: PTX_ISA, cuda: PTX_CUDA_VERSION, driver: PTX_MIN_DRIVER });
    expect(PTX_CHECKED_TARGETS).toEqual(GPUS);
    expect(build.TARGETS).toEqual(GPUS);
    // nvcc's load hints need ISA 8.3+: the build removes them.
    expect(PTX).not.toMatch(/used_bytes_mask/);
    for (const k of PTX_KERNELS) expect(PTX).toContain(`.visible .entry ${k}(`);
    // No local memory: the kernels' arguments are read in place, nothing spills to the stack.
    expect(PTX).not.toMatch(/\.local/);
  });

  it.skipIf(recompile !== '')('is byte-identical to what `npm run build:ptx` makes of the sources now', () => {
    const out = execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toContain('up to date');
  });

  it.skipIf(ptxas === null)(`is accepted by ptxas for ${GPUS.join(', ')} (Turing, A100, RTX 30, Ada, H100)`, () => {
    for (const arch of GPUS) expect(build.assembles(ptxas!, PTX, [arch])).toEqual({ ok: true });
  });

  it.skipIf(ptxas === null)('declares the lowest ISA ptxas accepts: the one before it is refused', () => {
    const index = build.ISA_DRIVERS.findIndex((d) => d.isa === PTX_ISA);
    expect(index).toBeGreaterThanOrEqual(0);
    if (index === 0) {
      // The lowest ISA in the table: ISA 6.2 cannot target sm_75 at all.
      expect(build.assembles(ptxas!, build.withIsa(PTX, '6.2')).ok).toBe(false);
    } else {
      expect(build.assembles(ptxas!, build.withIsa(PTX, build.ISA_DRIVERS[index - 1]!.isa)).ok).toBe(false);
    }
  });
});
