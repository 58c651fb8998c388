import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CudaDType } from '../../src/index.js';

export interface TorchInfo {
  readonly torch: string;
  readonly cuda: string | null;
  readonly device: string | null;
}

/** PyTorch through `python3 torch_ref.py` (next to this script, or in the bundle). */
export class Torch {
  private readonly python: string;
  private readonly script: string;
  private readonly dir = mkdtempSync(join(tmpdir(), 'matryoshka-gpu-check-'));

  constructor(python: string, script: string) {
    this.python = python;
    this.script = script;
  }

  private call(mode: string, job?: unknown): string {
    const args = [this.script, mode];
    if (job !== undefined) {
      const file = join(this.dir, `${mode}.json`);
      writeFileSync(file, JSON.stringify(job));
      args.push(file);
    }
    let out: string;
    try {
      out = execFileSync(this.python, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
    } catch (error) {
      // Python's last line (the exception) says what went wrong.
      const stderr = String((error as { stderr?: unknown }).stderr ?? '')
        .trim()
        .split('\n');
      throw new Error(`torch_ref.py ${mode}: ${stderr.at(-1) ?? (error as Error).message}`);
    }
    return out.trim().split('\n').at(-1)!;
  }

  info(): TorchInfo {
    return JSON.parse(this.call('info')) as TorchInfo;
  }

  /** F.avg_pool2d on CUDA of `input` (float32 values, computed in `dtype`) for each kernel, as float32. */
  pool(
    input: Float32Array,
    shape: { frames: number; rows: number; cols: number; channels: number },
    dtype: CudaDType,
    kernels: readonly number[],
  ): Float32Array[] {
    const id = Math.random().toString(36).slice(2);
    const file = join(this.dir, `${id}.in.f32`);
    writeFileSync(file, new Uint8Array(input.buffer, input.byteOffset, input.byteLength));
    const outputs = kernels.map((k) => join(this.dir, `${id}.k${k}.f32`));
    this.call('parity', { cases: [{ ...shape, dtype, input: file, kernels, outputs }] });
    return outputs.map((o) => {
      const bytes = readFileSync(o);
      return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    });
  }

  /** Milliseconds per M3 pyramid (avg_pool2d per level) and per device copy of the input. */
  bench(
    cases: ReadonlyArray<{ frames: number; rows: number; cols: number; channels: number; dtype: CudaDType; kernels: readonly number[]; iterations: number }>,
  ): Array<{ torch_ms: number; torch_copy_ms: number }> {
    return (JSON.parse(this.call('bench', { cases })) as { results: Array<{ torch_ms: number; torch_copy_ms: number }> }).results;
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
