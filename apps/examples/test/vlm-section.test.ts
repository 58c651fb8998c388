/**
 * The demo's VLM section: a generated tiny LLaVA-OneVision-shaped model answers one question at
 * every count through transformers.js and the adapter, offline; a bad --vlm folder is one error line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCli } from '../src/demo/cli.js';
import { TINY_GEMMA3, TINY_PALIGEMMA, writeVlmFolder } from '@matryoshka/transformers/testing';
import { formatVlmSection, runVlmSection } from '../src/vlm/section.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), 'matryoshka-vlm-section-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the demo VLM section', () => {
  it('asks a generated model at every count and reports real token counts and times', async () => {
    const r = await runVlmSection({ image: path.join(appDir, 'images/chelsea.png'), maxNewTokens: 4 });
    expect(r.generated).toBe(true);
    expect(r.modelType).toBe('llava_onevision');
    expect(r.answers.map((a) => a.visualTokens)).toEqual([729, 169, 36, 9, 1]);
    // The prompt shrinks by exactly the tokens pooled away.
    const prompts = r.answers.map((a) => a.promptTokens);
    expect(prompts.map((p) => prompts[0]! - p)).toEqual([0, 729 - 169, 729 - 36, 729 - 9, 729 - 1]);
    for (const a of r.answers) {
      expect(a.newTokens).toBeGreaterThan(0);
      expect(a.prefillMs).toBeGreaterThan(0);
      expect(a.ttftMs).toBeGreaterThanOrEqual(a.prefillMs);
    }
    const lines = formatVlmSection(r);
    expect(lines[0]).toContain('random weights');
    expect(lines.some((l) => /^ +all +729 /.test(l))).toBe(true);
  });

  it.each([
    ['paligemma', TINY_PALIGEMMA, 256],
    ['gemma3', TINY_GEMMA3, 256],
  ] as const)('--vlm runs a %s folder with its own prompt format', async (name, spec, full) => {
    const info = await writeVlmFolder(path.join(scratch, name), spec);
    const r = await runVlmSection({ folder: info.dir, image: path.join(appDir, 'images/coffee.png'), counts: [null, 16, 1], maxNewTokens: 2 });
    expect(r.generated).toBe(false);
    expect(r.modelType).toBe(name);
    expect(r.answers.map((a) => a.visualTokens)).toEqual([full, 16, 1]);
    expect(r.answers[0]!.promptTokens - r.answers[1]!.promptTokens).toBe(full - 16);
  });

  it('parses --vlm, --no-vlm and --vlm-question', () => {
    expect(parseCli([], '/w').vlm).toEqual({ question: 'What is in the picture?' });
    expect(parseCli(['--vlm', 'models/llava', '--vlm-question', 'Which animal?'], '/w').vlm).toEqual({ folder: '/w/models/llava', question: 'Which animal?' });
    expect(parseCli(['--no-vlm'], '/w').vlm).toBe(false);
  });

  it('exits 1 with one "Error: …" line for a folder that is not a model', () => {
    const folder = path.join(scratch, 'not-a-model');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/demo/cli.ts', '--no-report', '--vlm', folder], {
      cwd: appDir,
      encoding: 'utf8',
      env: { ...process.env, INIT_CWD: appDir },
      timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(1);
    expect(
      run.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('Error')),
    ).toHaveLength(1);
    expect(run.stderr).toContain('is not a transformers.js model folder');
  });
});
