import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromFloat16, planLevels, toFloat16 } from '@matryoshka/core';
import { planChunks, type PassGeometry } from '../src/pass/chunks.js';
import { poolWgsl } from '../src/kernels/pool-wgsl.js';

// Host-side logic, tested without a GPU.

const geometry = (frames: number, side: number, channels: number, scale: number): PassGeometry => {
  const [plan] = planLevels({ rows: side, cols: side }, { scales: [scale] });
  const unit = Array.from({ length: frames }, (_, i) => ({ start: i, end: i + 1, weights: [1] }));
  return {
    channels,
    input: { frames, rows: side, cols: side },
    windows: { frames: unit, rows: plan!.windows.rows, cols: plan!.windows.cols },
    src: 'float32',
    dst: 'float32',
  };
};

describe('planChunks (splitting passes to fit a binding)', () => {
  it('keeps a pass whole when it fits', () => {
    const chunks = planChunks(geometry(4, 24, 64, 144), 1 << 30);
    expect(chunks).toEqual([{ frame0: 0, outFrames: 4, row0: 0, outRows: 12, inStart: 0, inEnd: 4 * 576 * 64, outStart: 0, count: 4 * 144 * 64 }]);
  });

  it('covers every output exactly once, within the limit, whatever the limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 4, max: 30 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 2048, max: 200_000 }),
        (frames, side, channels, scale, limit) => {
          fc.pre(scale <= side * side);
          const g = geometry(frames, side, channels, scale);
          let chunks;
          try {
            chunks = planChunks(g, limit);
          } catch (error) {
            // Only when one output row's input rows cannot fit at all.
            expect((error as Error).message).toMatch(/more than one binding/);
            return;
          }
          const outTotal = frames * g.windows.rows.length * g.windows.cols.length * channels;
          let next = 0;
          for (const c of chunks) {
            expect(c.outStart).toBe(next);
            next += c.count;
            expect((c.inEnd - c.inStart) * 4).toBeLessThanOrEqual(limit);
          }
          expect(next).toBe(outTotal);
        },
      ),
    );
  });
});

describe('float16 conversion', () => {
  it('round-trips every half exactly and rounds to nearest even', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const back = toFloat16(fromFloat16(all));
    for (let i = 0; i < 65536; i++) {
      const isNan = (i & 0x7c00) === 0x7c00 && (i & 0x3ff) !== 0;
      if (!isNan) expect(back[i]).toBe(i);
    }
    expect([...toFloat16(Float32Array.from([1 + 2 ** -11, 1 + 3 * 2 ** -11, 65520, 1e-8, -0]))]).toEqual([0x3c00, 0x3c02, 0x7c00, 0, 0x8000]);
  });
});

describe('kernel source', () => {
  it('has a variant for every type and reduction, sized to the workgroup', () => {
    for (const src of ['float32', 'float16'] as const)
      for (const dst of ['float32', 'float16'] as const)
        for (const op of ['average', 'max'] as const) {
          const code = poolWgsl({ src, dst, op, lanes: src === 'float32' && dst === 'float32' ? 4 : 1, workgroupSize: 64 });
          expect(code).toContain('@workgroup_size(64)');
          expect(code.includes('unpack2x16float')).toBe(src === 'float16');
          expect(code.includes('pack2x16float(vec2')).toBe(dst === 'float16');
        }
  });
});

describe('registration', () => {
  it('says why webgpu is unavailable when there is no adapter', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { listBackends } from '@matryoshka/core'; import '@matryoshka/backend-webgpu'; console.log(JSON.stringify(await listBackends()));",
      ],
      { cwd: root, encoding: 'utf8', env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json' } },
    );
    const list = JSON.parse(out.trim().split('\n').at(-1)!) as Array<{ name: string; available: boolean; reason?: string }>;
    const webgpu = list.find((b) => b.name === 'webgpu');
    expect(webgpu?.available).toBe(false);
    expect(webgpu?.reason).toMatch(/no WebGPU adapter/);
  });
});
