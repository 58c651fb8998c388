// Compiles kernels/pool.cu to PTX with nvcc and writes it into src/kernels/ptx.ts, so the package
// builds, installs and runs without the CUDA toolkit (the driver JIT-compiles the PTX).
//
// Driver reach: nvcc 13 declares PTX ISA 9.0, which only R580+ drivers (CUDA 13) can JIT. The
// kernels use nothing newer than nvcc's `.pragma "used_bytes_mask …"` load hints (ISA 8.3+, a
// performance hint only), so the build removes those lines and then declares the lowest ISA that
// ptxas accepts for every target GPU (TARGETS), found by trying each ISA in turn: older drivers
// can then run the kernels. Needs ptxas (it comes with nvcc). The result depends only on the
// sources, nvcc and ptxas, so it is reproducible.
// `--check` compiles and fails if the committed module differs (a test runs it where nvcc exists).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = join(root, 'src/kernels/ptx.ts');
export const SOURCES = ['kernels/pool.cu', 'kernels/compat.cuh'];
// compute_75 (Turing) is the oldest target nvcc 13 offers; the driver JITs it for any newer GPU.
export const ARCH = 'compute_75';
export const FLAGS = ['-ptx', `-arch=${ARCH}`, '-O3', '-std=c++17'];
/** The GPUs the declared ISA must assemble for: Turing, Ampere (A100, RTX 30), Ada, Hopper. */
export const TARGETS = ['sm_75', 'sm_80', 'sm_86', 'sm_89', 'sm_90'];
/** What the build does to nvcc's PTX; part of the sources hash, so changing it marks the PTX stale. */
export const POSTPROCESS = 'strip used_bytes_mask pragmas; lowest ISA ptxas accepts for ' + TARGETS.join(',');

/**
 * PTX ISA versions in order, with the CUDA release that introduced each and the oldest Linux
 * driver branch of that release (a driver JIT-compiles PTX up to its CUDA version's ISA).
 */
export const ISA_DRIVERS = [
  ['6.3', '10.0', 'R410'],
  ['6.4', '10.1', 'R418'],
  ['6.5', '10.2', 'R440'],
  ['7.0', '11.0', 'R450'],
  ['7.1', '11.1', 'R455'],
  ['7.2', '11.2', 'R460'],
  ['7.3', '11.3', 'R465'],
  ['7.4', '11.4', 'R470'],
  ['7.5', '11.5', 'R495'],
  ['7.6', '11.6', 'R510'],
  ['7.7', '11.7', 'R515'],
  ['7.8', '11.8', 'R520'],
  ['8.0', '12.0', 'R525'],
  ['8.1', '12.1', 'R530'],
  ['8.2', '12.2', 'R535'],
  ['8.3', '12.3', 'R545'],
  ['8.4', '12.4', 'R550'],
  ['8.5', '12.5', 'R555'],
  ['8.6', '12.6', 'R560'],
  ['8.7', '12.8', 'R570'],
  ['8.8', '12.9', 'R575'],
  ['9.0', '13.0', 'R580'],
].map(([isa, cuda, driver]) => ({ isa, cuda, driver }));

/** nvcc from $NVCC, PATH, or the toolkit's default folder; null when there is none. */
export function findNvcc() {
  const candidates = [process.env.NVCC, 'nvcc', '/usr/local/cuda/bin/nvcc'].filter(Boolean);
  for (const c of candidates) {
    try {
      execFileSync(c, ['--version'], { stdio: 'ignore' });
      return c;
    } catch {
      // next
    }
  }
  return null;
}

/** ptxas beside nvcc, or from $PTXAS / PATH; null when there is none. */
export function findPtxas(nvcc = findNvcc()) {
  const beside = nvcc?.includes('/') ? join(nvcc, '..', 'ptxas') : null;
  for (const c of [process.env.PTXAS, beside, 'ptxas', '/usr/local/cuda/bin/ptxas'].filter(Boolean)) {
    try {
      execFileSync(c, ['--version'], { stdio: 'ignore' });
      return c;
    } catch {
      // next
    }
  }
  return null;
}

/** `13.0, V13.0.88`: what `nvcc --version` calls its release. */
export function nvccRelease(nvcc) {
  return /release ([\d.]+, V[\d.]+)/.exec(execFileSync(nvcc, ['--version'], { encoding: 'utf8' }))?.[1] ?? 'unknown';
}

/** sha256 over the kernel sources and the flags: what the committed PTX was made from. */
export function sourcesHash() {
  const h = createHash('sha256');
  for (const s of SOURCES) h.update(`${s}\n`).update(readFileSync(join(root, s)));
  h.update(FLAGS.join(' '));
  h.update(POSTPROCESS);
  return h.digest('hex');
}

export function compile(nvcc) {
  const dir = mkdtempSync(join(tmpdir(), 'matryoshka-ptx-'));
  try {
    const out = join(dir, 'pool.ptx');
    execFileSync(nvcc, [...FLAGS, '-o', out, 'pool.cu'], { cwd: join(root, 'kernels'), stdio: ['ignore', 'inherit', 'inherit'] });
    const release = /release ([\d.]+), (V[\d.]+)/.exec(execFileSync(nvcc, ['--version'], { encoding: 'utf8' }));
    return { ptx: readFileSync(out, 'utf8'), nvcc: release ? `${release[1]} (${release[2]})` : 'unknown' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** nvcc's PTX without the `used_bytes_mask` hints (the only ISA 8.3+ feature the kernels use). */
export function stripHints(ptx) {
  return ptx.replace(/^[ \t]*\.pragma "used_bytes_mask [^"]*";[ \t]*\n/gm, '');
}

/** `ptx` declaring ISA `isa` instead of nvcc's. */
export function withIsa(ptx, isa) {
  if (!/^\.version \S+$/m.test(ptx)) throw new Error('PTX without a .version line');
  return ptx.replace(/^\.version \S+$/m, `.version ${isa}`);
}

/** Whether ptxas assembles `ptx` for every target; the first error otherwise. */
export function assembles(ptxas, ptx, targets = TARGETS) {
  const dir = mkdtempSync(join(tmpdir(), 'matryoshka-ptxas-'));
  try {
    const file = join(dir, 'pool.ptx');
    writeFileSync(file, ptx);
    for (const arch of targets) {
      try {
        execFileSync(ptxas, [`-arch=${arch}`, '-o', join(dir, `${arch}.cubin`), file], { stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (error) {
        const stderr = String(error.stderr ?? error.message)
          .trim()
          .split('\n')[0];
        return { ok: false, error: `${arch}: ${stderr}` };
      }
    }
    return { ok: true };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The lowest ISA of ISA_DRIVERS that ptxas accepts for every target, and the PTX declaring it. */
export function lowestIsa(ptxas, ptx) {
  for (const entry of ISA_DRIVERS) {
    const candidate = withIsa(ptx, entry.isa);
    if (assembles(ptxas, candidate).ok) return { ...entry, ptx: candidate };
  }
  throw new Error(`ptxas accepts the kernels at no ISA from ${ISA_DRIVERS[0].isa} to ${ISA_DRIVERS.at(-1).isa}`);
}

export function render({ ptx, nvcc }) {
  if (/[`\\]|\$\{/.test(ptx)) throw new Error('PTX holds characters a template literal would change');
  const isa = /^\.version (\S+)/m.exec(ptx)?.[1] ?? 'unknown';
  const driver = ISA_DRIVERS.find((d) => d.isa === isa);
  if (driver === undefined) throw new Error(`PTX ISA ${isa} is not in ISA_DRIVERS`);
  const entries = [...ptx.matchAll(/^\.visible \.entry (\w+)/gm)].map((m) => m[1]);
  return `// Generated by scripts/build-ptx.mjs from ${SOURCES.join(' and ')} — do not edit.
// nvcc ${nvcc} ${FLAGS.join(' ')}; then ${POSTPROCESS}.
// ${entries.length} kernels, ${ptx.length} characters of PTX.

/** sha256 of the kernel sources and nvcc flags this PTX was compiled from (a test compares). */
export const PTX_SOURCES_SHA256 = '${sourcesHash()}';
/** The virtual architecture: the oldest nvcc 13 offers, JIT-compiled by the driver for newer GPUs. */
export const PTX_TARGET = '${ARCH}';
/**
 * The PTX ISA the module declares: the lowest that ptxas accepts for ${TARGETS.join(', ')}, so that
 * every driver from CUDA ${driver.cuda} (${driver.driver}) on can JIT-compile it.
 */
export const PTX_ISA = '${isa}';
/** The oldest CUDA version whose driver JIT-compiles this ISA. */
export const PTX_CUDA_VERSION = '${driver.cuda}';
/** The oldest Linux driver branch that JIT-compiles this ISA (your GPU may need a newer one). */
export const PTX_MIN_DRIVER = '${driver.driver}';
/** The GPUs ptxas checked the PTX for at build time. */
export const PTX_CHECKED_TARGETS: readonly string[] = ${JSON.stringify(TARGETS)};
/** The nvcc that compiled the kernels. */
export const PTX_NVCC = '${nvcc.split(' ')[0]}';
export const PTX_KERNELS: readonly string[] = ${JSON.stringify(entries)};

export const PTX = \`${ptx}\`;
`;
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const nvcc = findNvcc();
  if (nvcc === null) {
    console.error('nvcc not found (set NVCC, or put the CUDA toolkit on PATH)');
    process.exit(2);
  }
  const ptxas = findPtxas(nvcc);
  if (ptxas === null) {
    console.error('ptxas not found (set PTXAS, or put the CUDA toolkit on PATH): it picks the PTX ISA to declare');
    process.exit(2);
  }
  const compiled = compile(nvcc);
  const lowest = lowestIsa(ptxas, stripHints(compiled.ptx));
  console.log(`PTX ISA ${lowest.isa} (CUDA ${lowest.cuda}, ${lowest.driver}+ drivers) assembles for ${TARGETS.join(', ')}`);
  const source = render({ ptx: lowest.ptx, nvcc: compiled.nvcc });
  if (process.argv.includes('--check')) {
    if (!existsSync(target) || readFileSync(target, 'utf8') !== source) {
      console.error('src/kernels/ptx.ts is stale: run `npm run build:ptx` in packages/backend-cuda');
      process.exit(1);
    }
    console.log('src/kernels/ptx.ts is up to date');
  } else {
    writeFileSync(target, source);
    console.log(`wrote ${target}`);
  }
}
