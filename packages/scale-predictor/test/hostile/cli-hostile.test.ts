import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeOracle, checkRecord, chooseScale, formatTable, importLmmsEval, parseJsonl, renderPlot, toJsonl } from '../../src/index.js';
import { runCli } from '../../src/cli/program.js';
import type { CliIo } from '../../src/cli/io.js';
import { attempt, finiteArrays, junkValue, newTally, show, summary, type Tally } from '@matryoshka/testing/hostile';
import { EXAMPLE, tempDir } from '../helpers.js';

// The oracle CLI and its readers under hostile input: every failure is one line on stderr with
// the documented exit code (1 data/argument, 2 usage), nothing reaches a terminal unescaped, and
// mutated JSONL gives a result or a coded error.

const tally: Tally = newTally();
afterAll(() => console.log(summary('scale-predictor', tally)));
const dir = tempDir('hostile-cli');
const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, cwd: dir };
  return { code: await runCli(argv, io), out, err };
}

const oneLine = (err: string): boolean => err.trimEnd().split('\n').length === 1 && !/\n\s+at /.test(err);
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('matryoshka-oracle under hostile input', () => {
  it('one line and exit 1 for unwritable output paths, bad --run, special files', async () => {
    mkdirSync(join(dir, 'sub'), { recursive: true });
    execFileSync('mkfifo', [join(dir, 'fifo.jsonl')]);
    writeFileSync(join(dir, 'run.jsonl'), '{"doc_id": 1, "exact_match": 1}\n');
    const cases: Array<[string[], number, string]> = [
      [['analyze', EXAMPLE, '--svg', 'missing/folder/plot.svg'], 1, '--svg'],
      [['import-lmms-eval', '--run', 'nonsense', '--metric', 'exact_match'], 1, '--run'],
      [['import-lmms-eval', '--run', 'x=run.jsonl', '--metric', 'exact_match'], 1, '--run'],
      [['import-lmms-eval', '--run', '1=run.jsonl', '--metric', 'exact_match', '--out', 'missing/out.jsonl'], 1, '--out'],
      [['analyze', 'fifo.jsonl'], 1, 'records'],
      [['analyze', '/dev/zero'], 1, 'records'],
      [['analyze', 'sub'], 1, 'records'],
      [['analyze', 'nope.jsonl'], 1, 'records'],
      [['analyze'], 2, ''],
      [['bogus'], 2, ''],
    ];
    for (const [argv, code, names] of cases) {
      tally.tried += 1;
      const started = Date.now();
      const r = await run(...argv);
      const ok = r.code === code && oneLine(r.err) && r.err.includes(names) && Date.now() - started < 5000;
      if (!ok) tally.failing.push(`${argv.join(' ')}: exit ${r.code}, stderr ${JSON.stringify(r.err.slice(0, 300))}`);
      else if (code === 0) tally.correct += 1;
      else tally.coded += 1;
    }
    expect(tally.failing).toEqual([]);
  });

  it('escapes terminal control characters from records in the report and JSON', async () => {
    const evil = '\u001b]0;owned\u0007\u001b[2J\u009b31m';
    const lines = [1, 9].flatMap((scale) => [1, 2].map((id) => JSON.stringify({ id, scale, correct: id === 1, type: evil })));
    writeFileSync(join(dir, 'evil.jsonl'), `${lines.join('\n')}\n`);
    for (const extra of [[], ['--json']]) {
      const r = await run('analyze', 'evil.jsonl', '--group-by', 'type', ...extra);
      expect(r.code).toBe(0);
      expect(CONTROL.test(r.out), JSON.stringify(r.out.slice(0, 200))).toBe(false);
    }
    // Errors quoting a record's text are escaped too.
    writeFileSync(join(dir, 'evil2.jsonl'), `${JSON.stringify({ id: 1, scale: 1, correct: evil })}\n`);
    const r = await run('analyze', 'evil2.jsonl');
    expect(r.code).toBe(1);
    expect(CONTROL.test(r.err)).toBe(false);
  });

  it('groups by inherited names as plain fields', () => {
    const records = [1, 9].flatMap((scale) =>
      [1, 2].map((id) => JSON.parse(`{"id": ${id}, "scale": ${scale}, "correct": ${id === 1}, "__proto__": "p${id}", "constructor": "c${id}"}`)),
    );
    for (const field of ['__proto__', 'constructor', 'toString']) {
      const a = analyzeOracle(records, { groupBy: [field] });
      const values = a.groups.map((g) => g.value);
      expect(
        values.every((v) => typeof v === 'string'),
        field,
      ).toBe(true);
      if (field !== 'toString') expect(values.sort()).toEqual(field === '__proto__' ? ['p1', 'p2'] : ['c1', 'c2']);
      else expect(values).toEqual(['null']);
    }
  });

  it('refuses a plot colour that would inject attributes', async () => {
    for (const color of ['red" onload="alert(1)', '#fff"/><script>', 'url(javascript:x)', 5]) {
      await attempt(tally, {
        label: `renderPlot colour ${show(color)}`,
        inputs: {},
        run: () =>
          renderPlot({
            title: 't',
            fixed: [{ scale: 1, tokens: 1, accuracy: 0.5 }],
            series: [{ label: 's', points: [{ tokens: 2, accuracy: 0.4 }], color: color as string }],
          }),
        check: () => 'must refuse',
      });
    }
    const svg = renderPlot({
      title: 't',
      fixed: [{ scale: 1, tokens: 1, accuracy: 0.5 }],
      series: [{ label: 's', points: [{ tokens: 2, accuracy: 0.4 }], color: '#9467bd' }],
    });
    expect(svg).toContain('fill="#9467bd"');
  });

  it('mutated JSONL records and lmms-eval logs: a finite analysis or a coded error', async () => {
    const base = (await import('node:fs')).readFileSync(EXAMPLE, 'utf8');
    const mutation = fc.array(
      fc.tuple(fc.nat(), fc.constantFrom(' ', '\n', '{', '}', '"', ',', 'null', '1e999', '-1', 'NaN', '"__proto__":', '"scale":0,', 'true')),
      { minLength: 1, maxLength: 2 },
    );
    await fc.assert(
      fc.asyncProperty(
        mutation,
        fc.oneof(
          fc.constant(undefined),
          junkValue(),
          fc.record({ groupBy: fc.constant(['type']), threshold: junkValue(), unanswered: junkValue(), missing: junkValue() }, { requiredKeys: [] }),
        ),
        async (edits, options) => {
          let text = base;
          for (const [at, insert] of edits) {
            const i = at % text.length;
            text = text.slice(0, i) + insert + text.slice(i + 1);
          }
          await attempt(tally, {
            label: `analyzeOracle(mutated, ${show(options)})`,
            inputs: {},
            run: () => analyzeOracle(parseJsonl(text, 'records'), options as never),
            check: (a) => {
              const r = a as { scales: { accuracy: number }[] };
              return finiteArrays(r.scales.map((s) => s.accuracy));
            },
          });
          await attempt(tally, {
            label: 'importLmmsEval(mutated)',
            inputs: {},
            run: () => importLmmsEval([{ scale: 1, text }], { metric: 'correct', id: 'id' }),
            check: () => true,
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a reader that goes away (| head) ends the CLI quietly with its exit code', () => {
    // Megabytes of JSON (one group per sample), far more than a pipe holds after `head` exits.
    const big = Array.from({ length: 3000 }, (_, id) =>
      [1, 9].map((scale) => JSON.stringify({ id, scale, correct: (id + scale) % 3 === 0, type: `t${id}` })),
    ).flat();
    writeFileSync(join(dir, 'big.jsonl'), `${big.join('\n')}\n`);
    const r = spawnSync(
      'bash',
      [
        '-c',
        `node --import tsx ${JSON.stringify(cli)} analyze ${JSON.stringify(join(dir, 'big.jsonl'))} --group-by type --json | head -c 1 >/dev/null; echo "status \${PIPESTATUS[0]}" >&2`,
      ],
      {
        encoding: 'utf8',
        timeout: 60_000,
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
      },
    );
    tally.tried += 1;
    const status = /status (\d+)/.exec(r.stderr)?.[1];
    const clean = !/Error|EPIPE|at /.test(r.stderr.replace(/status \d+/, ''));
    if (status !== '0' || !clean) tally.failing.push(`| head: ${JSON.stringify(r.stderr.slice(0, 400))}`);
    else tally.correct += 1;
    expect(status).toBe('0');
    expect(clean, r.stderr).toBe(true);
  });

  it('the readers, policies and report helpers this package owns, with junk', async () => {
    const j = junkValue();
    await fc.assert(
      fc.asyncProperty(j, j, j, async (a, b, c) => {
        const inputs = { a, b, c };
        await attempt(tally, {
          label: `parseJsonl(${show(a)})`,
          inputs,
          run: () => parseJsonl(a as string, 'text'),
          check: (r) => (Array.isArray(r) ? true : 'not an array'),
        });
        await attempt(tally, {
          label: `toJsonl(${show(a)})`,
          inputs,
          run: () => toJsonl(a as unknown[]),
          check: (r) => (typeof r === 'string' ? true : 'not text'),
        });
        await attempt(tally, { label: `checkRecord(${show(a)})`, inputs, run: () => checkRecord(a, 'records[0]', 0.5), check: () => true });
        await attempt(tally, {
          label: `chooseScale(${show(a)}, ${show(b)}, ${show(c)})`,
          inputs,
          run: () => chooseScale(a as number[], b as number, c as never),
          check: (r) => (Number.isSafeInteger(r) && (r as number) > 0 ? true : `scale ${String(r)}`),
        });
        await attempt(tally, {
          label: `importLmmsEval(${show(a)}, ${show(b)})`,
          inputs,
          run: () => importLmmsEval(a as never, b as never),
          check: (r) => (Array.isArray(r) ? true : 'not an array'),
        });
        await attempt(tally, {
          label: `renderPlot(${show(a)})`,
          inputs,
          run: () => renderPlot(a as never),
          check: (r) => (typeof r === 'string' && !/NaN|Infinity/.test(r) ? true : 'NaN in the SVG'),
        });
        await attempt(tally, {
          label: `formatTable(${show(a)}, ${show(b)})`,
          inputs,
          run: () => formatTable(a as never, b as never),
          check: (r) => (typeof r === 'string' ? true : 'not text'),
        });
      }),
      { numRuns: 150 },
    );
    for (const probabilities of [null, undefined, 5, 'abc', {}]) {
      await attempt(tally, {
        label: `chooseScale(${show(probabilities)})`,
        inputs: {},
        run: () => chooseScale(probabilities as never, 0.5, [1]),
        check: () => 'must refuse',
      });
    }
  });

  it('has no failures', () => {
    expect(tally.failing.slice(0, 20)).toEqual([]);
  });
});
