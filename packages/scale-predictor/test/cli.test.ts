import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeOracle, loadPredictor, parseJsonl, toJsonl } from '../src/index.js';
import { runCli } from '../src/cli/program.js';
import type { CliIo } from '../src/cli/io.js';
import { EXAMPLE, synthetic, tempDir } from './helpers.js';

const dir = tempDir('cli');

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, cwd: dir };
  const code = await runCli(argv, io);
  return { code, out, err };
}

describe('matryoshka-oracle analyze', () => {
  it('--json prints exactly what analyzeOracle returns, with the options', async () => {
    const { code, out } = await run('analyze', EXAMPLE, '--json', '--group-by', 'type', '--unanswered', 'exclude', '--threshold', '0.4');
    expect(code).toBe(0);
    const expected = analyzeOracle(parseJsonl(readFileSync(EXAMPLE, 'utf8')), { groupBy: ['type'], unanswered: 'exclude', threshold: 0.4 });
    expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  it('prints tables and writes an SVG plot', async () => {
    const { code, out } = await run('analyze', EXAMPLE, '--svg', 'plot.svg');
    expect(code).toBe(0);
    expect(out).toContain('oracle');
    expect(out).toContain('87.5%');
    const svg = readFileSync(join(dir, 'plot.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('oracle: 87.5% at 97.1 tokens');
  });

  it('data errors exit 1 naming the argument; usage errors exit 2', async () => {
    writeFileSync(join(dir, 'bad.jsonl'), '{"id": 1, "scale": 1, "correct": true}\n{"id": 1, "scale": 9, "correct": tru}\n');
    const bad = await run('analyze', 'bad.jsonl');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('bad.jsonl line 2');
    expect((await run('analyze', 'missing.jsonl')).err).toContain('cannot read missing.jsonl');
    const usage = await run('analyze', EXAMPLE, '--unanswered', 'median');
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('smallest');
  });
});

describe('matryoshka-oracle train and evaluate', () => {
  it('trains, writes a versioned predictor file, and evaluates it on held-out records', async () => {
    const trainSet = synthetic(300, 3);
    const heldOut = synthetic(120, 4);
    writeFileSync(join(dir, 'train.jsonl'), toJsonl(trainSet.records));
    writeFileSync(join(dir, 'train-features.jsonl'), toJsonl(trainSet.features));
    writeFileSync(join(dir, 'test.jsonl'), toJsonl(heldOut.records));
    writeFileSync(join(dir, 'test-features.jsonl'), toJsonl(heldOut.features));
    const trained = await run(
      'train',
      'train.jsonl',
      '--features',
      'train-features.jsonl',
      '--out',
      'p.json',
      '--epochs',
      '10',
      '--hidden',
      '8',
      '--seed',
      '5',
    );
    expect(trained.code, trained.err).toBe(0);
    expect(trained.out).toContain('trained on 300 samples');
    const predictor = loadPredictor(readFileSync(join(dir, 'p.json'), 'utf8'));
    expect(predictor.featureSize).toBe(8);

    const evaluated = await run('evaluate', 'test.jsonl', '--features', 'test-features.jsonl', '--predictor', 'p.json', '--json', '--svg', 'eval.svg');
    expect(evaluated.code, evaluated.err).toBe(0);
    const e = JSON.parse(evaluated.out);
    expect(e.samples).toBe(120);
    expect(e.fixed.map((f: { scale: number }) => f.scale)).toEqual([1, 9, 36, 144, 576]);
    expect(readFileSync(join(dir, 'eval.svg'), 'utf8')).toContain('predictor (threshold τ)');

    const missing = await run('evaluate', 'test.jsonl', '--features', 'train-features.jsonl', '--predictor', 'p.json');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no features for 120 sample(s)');
  });
});

describe('matryoshka-oracle import-lmms-eval', () => {
  it('turns one log per scale into records', async () => {
    const log = (scale: number) =>
      [0, 1]
        .map((doc_id) =>
          JSON.stringify({
            doc_id,
            doc: { question_type: doc_id === 0 ? 'ocr' : 'color' },
            target: 'x',
            resps: [['x']],
            exact_match: scale > doc_id * 8 ? 1.0 : 0.0,
          }),
        )
        .join('\n');
    writeFileSync(join(dir, 'lmms-1.jsonl'), log(1));
    writeFileSync(join(dir, 'lmms-9.jsonl'), log(9));
    const { code, out } = await run('import-lmms-eval', '--run', '1=lmms-1.jsonl', '9=lmms-9.jsonl', '--metric', 'exact_match', '--group', 'doc.question_type');
    expect(code).toBe(0);
    expect(parseJsonl(out)).toEqual([
      { id: 0, scale: 1, score: 1, question_type: 'ocr' },
      { id: 1, scale: 1, score: 0, question_type: 'color' },
      { id: 0, scale: 9, score: 1, question_type: 'ocr' },
      { id: 1, scale: 9, score: 1, question_type: 'color' },
    ]);
  });
});
