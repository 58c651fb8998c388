// gpu-check: the cuda backend on a real GPU — parity with the CPU reference, the PyTorch fixtures
// and PyTorch CUDA's avg_pool2d; 10,000 pyramids without memory growth; and the fused pyramid's
// speed against PyTorch (avg_pool2d per level, as the official M3 code) and a device copy.
// Run by scripts/gpu-check.sh (from the repository or from the prepared bundle).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tokenGrid } from '@matryoshka/core';
import { createCudaBackend, type CudaBackend, type CudaDriver, type CudaDType } from '../../src/index.js';
import { loadKoffiDriver } from '../../src/driver/koffi-driver.js';
import { benchShape, SCALES, type BenchRow, type BenchShape } from './bench.js';
import { fixtureParity, opParity, pyramidParity, seeded, torchParity, type Check } from './parity.js';
import { Torch } from './torch.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const here = dirname(fileURLToPath(import.meta.url));
const quick = flag('--quick');
const python = value('--python') ?? 'python3';
const torchScript = [join(here, 'torch_ref.py'), join(here, 'gpu-check', 'torch_ref.py')].find((p) => existsSync(p))!;
const fixtures = value('--fixtures') ?? process.env.MATRYOSHKA_FIXTURES ?? join(here, 'fixtures');

function section(title: string): void {
  console.log(`\n== ${title}`);
}

function report(checks: Check[]): boolean {
  for (const c of checks) {
    const status = c.note ?? (c.ok ? 'ok' : 'FAILED');
    console.log(`  ${c.ok ? '✓' : '✗'} ${c.name}: ${c.cases} cases, worst ${c.worst.toExponential(2)} (≤ ${c.tolerance}) ${status}`);
  }
  return checks.every((c) => c.ok);
}

async function memoryCheck(backend: CudaBackend, driver: CudaDriver, context: unknown, iterations: number): Promise<Check> {
  const g = tokenGrid(seeded(8 * 24 * 24 * 1024, 5), { frames: 8, rows: 24, cols: 24, channels: 1024 });
  (await backend.buildPyramid(g)).dispose();
  await backend.synchronize();
  const free = () => {
    driver.contextPush(context);
    try {
      return driver.memInfo().free;
    } finally {
      driver.contextPop();
    }
  };
  const before = free();
  for (let i = 0; i < iterations; i++) (await backend.buildPyramid(g)).dispose();
  await backend.synchronize();
  const grown = before - free();
  const ok = grown <= 0 && backend.liveBuffers === 0;
  return {
    name: `${iterations} pyramids: device memory growth ${grown} bytes, live buffers ${backend.liveBuffers}`,
    cases: iterations,
    worst: Math.max(0, grown),
    tolerance: 0,
    ok,
  };
}

function table(rows: Array<BenchRow & { torchMs?: number; torchCopyMs?: number }>): void {
  const head = ['shape (frames×rows×cols×C)', 'dtype', 'time (ms)', 'GB/s', 'of copy BW', 'copy GB/s', 'PyTorch (ms)', 'speed-up'];
  const body = rows.map((r) => {
    const gbs = r.bytes / (r.ms * 1e6);
    const copyGbs = (2 * (r.bytes - levelBytesOf(r))) / (r.copyMs * 1e6);
    return [
      `${r.frames}×${r.rows}×${r.cols}×${r.channels}`,
      r.dtype,
      r.ms.toFixed(4),
      gbs.toPrecision(3),
      `${((100 * gbs) / copyGbs).toFixed(0)}%`,
      copyGbs.toPrecision(3),
      r.torchMs === undefined ? '–' : r.torchMs.toFixed(4),
      r.torchMs === undefined ? '–' : `${(r.torchMs / r.ms).toFixed(2)}×`,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const b of body) console.log(line(b));
}

function levelBytesOf(r: BenchRow): number {
  const size = r.dtype === 'float32' ? 4 : 2;
  return r.kernels.reduce((n, k) => n + r.frames * Math.floor(r.rows / k) * Math.floor(r.cols / k) * r.channels * size, 0);
}

async function main(): Promise<number> {
  section('device');
  let driver: CudaDriver;
  let backend: CudaBackend;
  let stepwise: CudaBackend;
  try {
    driver = await loadKoffiDriver(value('--library') ?? process.env.MATRYOSHKA_CUDA_LIBRARY);
    backend = await createCudaBackend({ driver });
    stepwise = await createCudaBackend({ driver, fuse: false });
  } catch (error) {
    console.error(`gpu-check: the cuda backend cannot start: ${(error as Error).message}`);
    return 2;
  }
  const d = backend.device;
  console.log(
    `${d.name}, compute ${d.computeCapability}, ${d.multiprocessors} SMs, ${(d.totalMemory / 2 ** 30).toFixed(1)} GiB, driver CUDA ${d.driverVersion}, library ${backend.library}`,
  );
  // The device's primary context (the backend's too), current for the events and copies below.
  const context = driver.primaryContextRetain(d.ordinal);
  driver.contextPush(context);

  let torch: Torch | undefined;
  if (!flag('--no-torch')) {
    try {
      torch = new Torch(python, torchScript);
      const info = torch.info();
      if (info.device === null) throw new Error(`torch ${info.torch} sees no CUDA device`);
      console.log(`PyTorch ${info.torch} (CUDA ${info.cuda}) on ${info.device}`);
    } catch (error) {
      console.log(`PyTorch unavailable, its comparisons are skipped: ${(error as Error).message}`);
      torch = undefined;
    }
  }

  let ok = true;
  // One failing step is reported and the others still run.
  const run = async (name: string, step: () => Promise<Check[]>) => {
    try {
      ok = report(await step()) && ok;
    } catch (error) {
      ok = false;
      console.log(`  ✗ ${name}: ${(error as Error).stack ?? String(error)}`);
    }
  };
  section('parity');
  await run('pyramids vs CPU reference', () => pyramidParity(backend, stepwise));
  await run('ops vs CPU reference', async () => [await opParity(backend)]);
  await run('PyTorch fixtures', async () => [await fixtureParity(backend, fixtures)]);
  if (torch) await run('vs PyTorch CUDA', () => torchParity(backend, torch!));

  section('reliability');
  await run('memory', async () => [await memoryCheck(backend, driver, context, Number(value('--iterations') ?? (quick ? 1000 : 10_000)))]);

  if (!flag('--no-bench')) {
    section(`bench: the pooled levels ${SCALES.join('/')} (one fused launch) vs PyTorch avg_pool2d per level vs a device copy`);
    const custom = value('--shapes')
      ?.split(',')
      .map((s) => {
        const [frames, rows, cols, channels] = s.split('x').map(Number);
        return { frames: frames!, rows: rows!, cols: cols!, channels: channels! };
      });
    const shapes: BenchShape[] = custom ?? [
      { frames: 1, rows: 24, cols: 24, channels: 1024 },
      { frames: 64, rows: 24, cols: 24, channels: 1024 },
      { frames: 64, rows: 24, cols: 24, channels: 4096 },
      { frames: 128, rows: 24, cols: 24, channels: 4096 },
      ...(flag('--large') ? [{ frames: 256, rows: 24, cols: 24, channels: 4096 }] : []),
    ];
    const types: CudaDType[] = ['float32', 'float16', 'bfloat16'];
    const rows: Array<BenchRow & { torchMs?: number; torchCopyMs?: number }> = [];
    for (const shape of shapes) {
      for (const dtype of types) {
        const bytes = shape.frames * shape.rows * shape.cols * shape.channels * (dtype === 'float32' ? 4 : 2);
        const iterations = Math.max(5, Math.min(quick ? 50 : 500, Math.round((quick ? 2e9 : 2e10) / bytes)));
        const row = await benchShape(backend, driver, shape, dtype, iterations);
        let torchRow: { torch_ms: number; torch_copy_ms: number } | undefined;
        try {
          if (torch) torchRow = torch.bench([{ ...shape, dtype, kernels: row.kernels, iterations }])[0];
        } catch (error) {
          console.log(`  PyTorch timing of ${shape.frames}×${shape.rows}×${shape.cols}×${shape.channels} ${dtype} failed: ${(error as Error).message}`);
        }
        rows.push({ ...row, ...(torchRow ? { torchMs: torchRow.torch_ms, torchCopyMs: torchRow.torch_copy_ms } : {}) });
      }
    }
    table(rows);
    const goal = rows.filter((r) => r.frames >= 64 && r.rows === 24 && r.cols === 24 && r.channels === 4096);
    const meets =
      goal.length > 0 &&
      goal.every((r) => {
        const share = r.bytes / r.ms / ((2 * (r.bytes - levelBytesOf(r))) / r.copyMs);
        return share >= 0.8 && (r.torchMs === undefined || r.torchMs > r.ms);
      });
    const verdict = goal.length === 0 ? 'not measured (no such shape in this run)' : meets ? 'met' : 'NOT met';
    console.log(`\ngoal (batches ≥ 64 at 24×24×4096: ≥ 80% of copy bandwidth and faster than PyTorch): ${verdict}`);
    console.log('GB/s counts the input read once plus the levels written once; the copy moves the input (read + write).');
  }

  driver.contextPop();
  driver.primaryContextRelease(d.ordinal);
  torch?.close();
  stepwise.dispose();
  backend.dispose();
  console.log(`\ngpu-check: ${ok ? 'all parity and reliability checks passed' : 'SOME CHECKS FAILED'}`);
  return ok ? 0 : 1;
}

process.exitCode = await main();
