/** Every runnable example (examples/*.ts) is run as a user would, with tsx, so none can rot. */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

async function runExample(name: string, args: string[] = [], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', `examples/${name}.ts`, ...args], {
    cwd: appDir,
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return stdout;
}

describe.concurrent('the examples', () => {
  it('are all tested here', () => {
    expect(readdirSync(`${appDir}/examples`).sort()).toEqual([
      'analyse-results.ts',
      'backend-swapping.ts',
      'custom-encoder.ts',
      'scale-choice.ts',
      'vlm-onevision.ts',
    ]);
  });

  it('backend-swapping.ts: the same call on every backend, and why the others are unavailable', async () => {
    // WebGPU runs on SwiftShader where Debian's chromium is installed.
    const webgpu = existsSync(SWIFTSHADER_ICD);
    const out = await runExample('backend-swapping', [], webgpu ? { VK_ICD_FILENAMES: SWIFTSHADER_ICD } : {});
    expect(out).toMatch(/^cpu {5}available: levels 576\/144\/36\/9\/1, max \|difference\| from cpu 0\.0e\+0$/m);
    expect(out).toMatch(/^cuda {4}(unavailable: \S.+|available: levels 576\/144\/36\/9\/1, .*)$/m);
    if (webgpu) {
      const diff = /^webgpu {2}available: levels 576\/144\/36\/9\/1, max \|difference\| from cpu (\S+)$/m.exec(out);
      expect(diff, out).not.toBeNull();
      expect(Number(diff![1])).toBeLessThan(1e-5);
      // SwiftShader is a software adapter: without a name, cpu (or cuda) ranks above it.
      expect(out).toMatch(/getBackend\(\) picks: (cpu|cuda)/);
    } else {
      expect(out).toMatch(/^webgpu {2}unavailable: \S/m);
    }
  });

  it('vlm-onevision.ts: one question at 576 and at 36 tokens (a generated model without a folder)', async () => {
    const out = await runExample('vlm-onevision');
    expect(out).toMatch(/^576 tokens asked → 729 visual tokens, prompt (\d+) tokens, [\d.]+ s \(vision \d+ ms, pooling [\d.]+ ms\)$/m);
    expect(out).toMatch(/^36 tokens asked → 36 visual tokens, prompt (\d+) tokens, /m);
    const [full, few] = [...out.matchAll(/prompt (\d+) tokens/g)].map((m) => Number(m[1]));
    expect(full! - few!).toBe(729 - 36);
    expect(out.match(/^ {2}answer: ".*"$/gm)).toHaveLength(2);
  });

  it('custom-encoder.ts: an ONNX model built in code encodes a bundled photo', async () => {
    const out = await runExample('custom-encoder');
    expect(out).toMatch(/loaded tiny-encoder\.onnx \(\d+ bytes\) on cpu: input nchw 384×384, output 'features' \(nchw\)/);
    expect(out).toContain('coffee.png → a 24×24×8 token grid');
    expect(out).toMatch(/^ {4}1 tokens \(1×1\), first token \[[\d.]+, /m);
  });

  it('scale-choice.ts: a fixed scale against a budget for the set', async () => {
    const out = await runExample('scale-choice', ['200']);
    const fixed = Number(/fixed 36 tokens each: 108 tokens, kept ([\d.]+)/.exec(out)?.[1]);
    const [, tokens, kept] = /budget 200: (\d+) tokens, kept ([\d.]+)/.exec(out) ?? [];
    expect(Number(tokens)).toBeLessThanOrEqual(200);
    expect(Number(kept)).toBeGreaterThanOrEqual(fixed);
    expect(out.match(/^ {2}\S+\.(png|jpg) +fixed 36/gm)).toHaveLength(3);
  });

  it('analyse-results.ts: the oracle of the shipped records, per question type', async () => {
    const out = await runExample('analyse-results');
    expect(out).toContain('best fixed scale: 576 (75.0%); oracle: 87.5% at 97.13 mean tokens');
    expect(out).toContain('oracle: 7/8 answered (87.5%) at 97.13 mean tokens');
    expect(out).toContain('type = ocr: oracle 50.0% at 288.50 tokens');
  });
});
