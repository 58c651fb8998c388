import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromBfloat16, fromFloat16, toBfloat16, toFloat16, tokenGrid, type PoolingMode, type PoolingOpName, type TokenGrid } from '@matryoshka/core';
import * as cpu from '@matryoshka/pooling';
import type { CudaBackend, CudaDType, CudaInput } from '../../src/index.js';
import type { Torch } from './torch.js';
import { seededFloats as seeded } from '@matryoshka/testing/random';
import { relativeError } from '@matryoshka/testing/relative-error';

/** One line of the parity report. */
export interface Check {
  readonly name: string;
  readonly cases: number;
  /** Worst relative error (max |a − b| / max |b|) over the cases. */
  readonly worst: number;
  readonly tolerance: number;
  readonly ok: boolean;
  readonly note?: string;
}

export const TOLERANCE: Record<CudaDType, number> = { float32: 1e-5, float16: 1e-3, bfloat16: 8e-3 };

// The tests' seeded data and parity measure (@matryoshka/testing), so a check here and a test agree.
export { seededFloats as seeded } from '@matryoshka/testing/random';
export { relativeError } from '@matryoshka/testing/relative-error';

/** The grid as the device sees it in `dtype`: the input to pass, and its exact float32 values. */
export function typed(g: TokenGrid, dtype: CudaDType): { input: CudaInput; exact: TokenGrid } {
  if (dtype === 'float32') return { input: g, exact: g };
  const bits = dtype === 'float16' ? toFloat16(g.data) : toBfloat16(g.data);
  const exact = tokenGrid(dtype === 'float16' ? fromFloat16(bits) : fromBfloat16(bits), g);
  return { input: { data: bits, dtype, frames: g.frames, rows: g.rows, cols: g.cols, channels: g.channels }, exact };
}

class Tally {
  cases = 0;
  worst = 0;
  add(err: number): void {
    this.cases++;
    if (!(err <= this.worst)) this.worst = err;
  }
  check(name: string, tolerance: number, note?: string): Check {
    return { name, cases: this.cases, worst: this.worst, tolerance, ok: this.cases > 0 && this.worst <= tolerance, ...(note ? { note } : {}) };
  }
}

const SHAPES = [
  { frames: 1, rows: 24, cols: 24, channels: 1024 },
  { frames: 3, rows: 27, cols: 27, channels: 40 },
  { frames: 2, rows: 15, cols: 15, channels: 7 },
  { frames: 5, rows: 30, cols: 30, channels: 33 },
  { frames: 1, rows: 1, cols: 1, channels: 1 },
  { frames: 2, rows: 64, cols: 64, channels: 96 },
];
const MODES: Array<{ mode: PoolingMode; scales: (g: TokenGrid) => number[] }> = [
  { mode: 'm3', scales: (g) => [g.rows * g.cols, ...[144, 36, 9, 1].filter((s) => s <= g.rows * g.cols)] },
  { mode: 'ceil', scales: (g) => [Math.max(1, Math.floor((g.rows * g.cols) / 4)), Math.max(1, Math.floor((g.rows * g.cols) / 16)), 1] },
  { mode: 'adaptive', scales: (g) => [Math.max(1, Math.floor((g.rows * g.cols) / 5)), 1] },
  { mode: 'bilinear', scales: (g) => [Math.max(1, Math.floor((g.rows * g.cols) / 3))] },
];

/** Pyramids in every mode and type, fused and step by step, against the CPU reference. */
export async function pyramidParity(backend: CudaBackend, stepwise: CudaBackend): Promise<Check[]> {
  const tallies: Record<CudaDType, Tally> = { float32: new Tally(), float16: new Tally(), bfloat16: new Tally() };
  let seed = 1;
  for (const shape of SHAPES) {
    const g = tokenGrid(seeded(shape.frames * shape.rows * shape.cols * shape.channels, seed++), shape);
    for (const { mode, scales: scalesOf } of MODES) {
      const scales = scalesOf(g);
      for (const dtype of ['float32', 'float16', 'bfloat16'] as const) {
        const { input, exact } = typed(g, dtype);
        const expected = cpu.buildPyramid(exact, { scales, mode });
        for (const b of [backend, stepwise]) {
          for (const out of dtype === 'float32' ? (['float32'] as const) : ([dtype, 'float32'] as const)) {
            const p = await b.buildPyramid(input, { scales, mode, outputType: out });
            const got = (await p.read()).levels;
            p.dispose();
            got.forEach((l, i) => tallies[out].add(relativeError(l.data, expected.levels[i]!.data)));
          }
        }
      }
    }
  }
  return (['float32', 'float16', 'bfloat16'] as const).map((t) => tallies[t].check(`pyramids vs CPU reference, ${t} levels`, TOLERANCE[t]));
}

/** Every op on a few grids against the CPU reference. */
export async function opParity(backend: CudaBackend): Promise<Check> {
  const tally = new Tally();
  const grids = [
    tokenGrid(seeded(4 * 24 * 24 * 64, 11), { frames: 4, rows: 24, cols: 24, channels: 64 }),
    tokenGrid(seeded(3 * 13 * 9 * 5, 12), { frames: 3, rows: 13, cols: 9, channels: 5 }),
  ];
  const calls: Array<[PoolingOpName, Record<string, unknown>]> = [
    ['avgPool2d', { kernel: 2 }],
    ['avgPool2d', { kernel: [3, 2], ceilMode: true }],
    ['avgPool2d', { kernel: 3, stride: 2 }],
    ['maxPool2d', { kernel: 2, ceilMode: true }],
    ['adaptiveAvgPool2d', { rows: 5, cols: 4 }],
    ['bilinearResize', { rows: 7, cols: 11 }],
    ['avgPool3d', { temporalKernel: 2, kernel: 2 }],
    ['spatialSample', { rows: 3, cols: 3 }],
    ['sequentialSample', { tokens: 17 }],
  ];
  for (const g of grids) {
    for (const [op, options] of calls) {
      // biome-ignore lint/performance/noDynamicNamespaceImportAccess: a script, not a bundle; every op is used.
      const expected = (cpu[op] as (grid: TokenGrid, o: unknown) => TokenGrid)(g, options);
      const out = await backend.run(op, g, options);
      tally.add(relativeError((await out.read()).data, expected.data));
      out.dispose();
    }
  }
  return tally.check('every op vs CPU reference (float32)', TOLERANCE.float32);
}

/** The PyTorch fixtures of the repository (testing/fixtures/pytorch), when present. */
export async function fixtureParity(backend: CudaBackend, dir: string): Promise<Check> {
  const tally = new Tally();
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(manifestFile))
    return { name: 'PyTorch fixtures', cases: 0, worst: 0, tolerance: TOLERANCE.float32, ok: true, note: `skipped: no ${manifestFile}` };
  const floats = (f: string) => {
    const b = readFileSync(join(dir, f));
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
    cases: Array<{
      op: string;
      rows: number;
      cols: number;
      channels: number;
      frames?: number;
      input: string;
      levels: Array<Record<string, number> & { file: string }>;
    }>;
  };
  for (const c of manifest.cases) {
    const g = tokenGrid(floats(c.input), { frames: c.frames ?? 1, rows: c.rows, cols: c.cols, channels: c.channels });
    for (const level of c.levels) {
      const call: [PoolingOpName, Record<string, unknown>] | undefined = (
        {
          'm3-floor': ['avgPool2d', { kernel: level.kernel }],
          'avg-ceil': ['avgPool2d', { kernel: level.kernel, ceilMode: true }],
          'adaptive-avg': ['adaptiveAvgPool2d', { rows: level.rows, cols: level.cols }],
          bilinear: ['bilinearResize', { rows: level.rows, cols: level.cols }],
          'max-floor': ['maxPool2d', { kernel: level.kernel }],
          'video-avg': ['avgPool3d', { temporalKernel: level.temporalKernel, kernel: level.kernel }],
        } as Record<string, [PoolingOpName, Record<string, unknown>]>
      )[c.op];
      if (call === undefined) continue;
      const out = await backend.run(call[0], g, call[1]);
      tally.add(relativeError((await out.read()).data, floats(level.file)));
      out.dispose();
    }
  }
  return tally.check('PyTorch fixtures (CPU-made), every op', TOLERANCE.float32);
}

/** Our m3 pyramid against PyTorch's avg_pool2d on CUDA, same random data, every type. */
export async function torchParity(backend: CudaBackend, torch: Torch): Promise<Check[]> {
  const shapes = [
    { frames: 8, rows: 24, cols: 24, channels: 4096 },
    { frames: 2, rows: 27, cols: 27, channels: 1152 },
    { frames: 64, rows: 24, cols: 24, channels: 256 },
  ];
  const out: Check[] = [];
  for (const dtype of ['float32', 'float16', 'bfloat16'] as const) {
    const tally = new Tally();
    const name = `m3 pyramid vs PyTorch avg_pool2d, ${dtype}`;
    try {
      await torchCase(backend, torch, dtype, shapes, tally);
    } catch (error) {
      out.push({
        name,
        cases: tally.cases,
        worst: tally.worst,
        tolerance: TOLERANCE[dtype],
        ok: false,
        note: `FAILED: ${(error as Error).message.split('\n')[0]}`,
      });
      continue;
    }
    out.push(tally.check(name, TOLERANCE[dtype]));
  }
  return out;
}

/** One type's cases: the same data through our pyramid and through PyTorch. */
async function torchCase(
  backend: CudaBackend,
  torch: Torch,
  dtype: CudaDType,
  shapes: ReadonlyArray<{ frames: number; rows: number; cols: number; channels: number }>,
  tally: Tally,
): Promise<void> {
  for (const [i, shape] of shapes.entries()) {
    const g = tokenGrid(seeded(shape.frames * shape.rows * shape.cols * shape.channels, 100 + i), shape);
    const { input, exact } = typed(g, dtype);
    const p = await backend.buildPyramid(input, { scales: [144, 36, 9, 1] });
    const levels = (await p.read()).levels;
    p.dispose();
    const reference = torch.pool(
      exact.data,
      shape,
      dtype,
      levels.map((l) => l.plan.kernel!),
    );
    levels.forEach((l, j) => tally.add(relativeError(l.data, reference[j]!)));
  }
}
