import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/demo/cli.js';
import { runDemo } from '../../src/demo/run.js';
import { newTally, summary } from '@matryoshka/testing/hostile';

// The demo's flags and files under hostile input: each bad value is one "Error: …" line naming
// the flag and exit code 1 (before any model loads); special files are refused, never read.

const tally = newTally();
afterEach(() => vi.restoreAllMocks());

async function exitOf(argv: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
    err += `${a.join(' ')}\n`;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err += String(s);
    return true;
  });
  const code = await main(argv);
  return { code, err };
}

describe('demo flags and files under hostile input', () => {
  it('prints one line naming the flag and exits 1 for bad --tau and --scales', async () => {
    const cases: Array<[string[], string]> = [
      [['--tau', '2'], '--tau'],
      [['--tau', 'NaN'], '--tau'],
      [['--tau', ''], '--tau'],
      [['--tau', '-0.1'], '--tau'],
      [['--scales', '576,,9'], '--scales'],
      [['--scales', 'abc'], '--scales'],
      [['--scales', '576,1e999'], '--scales'],
      [['--scales', '0'], '--scales'],
      [['--scale', '-3'], '--scale'],
    ];
    for (const [argv, flag] of cases) {
      tally.tried += 1;
      const { code, err } = await exitOf([...argv, '--no-vlm', '--no-report']);
      const lines = err
        .trim()
        .split('\n')
        .filter((l) => l.trim() !== '');
      if (code === 1 && lines.length === 1 && lines[0]!.includes(flag)) tally.coded += 1;
      else tally.failing.push(`${argv.join(' ')}: exit ${code}, stderr ${JSON.stringify(err)}`);
    }
    console.log(summary('demo', tally));
    expect(tally.failing).toEqual([]);
  });

  it('refuses FIFOs and devices as photos without reading them', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'matryoshka-demo-hostile-'));
    const fifo = path.join(dir, 'photo.png');
    execFileSync('mkfifo', [fifo]);
    for (const file of [fifo, '/dev/zero', dir]) {
      const started = Date.now();
      await expect(runDemo({ images: [file], out: false })).rejects.toMatchObject({ name: 'MatryoshkaError', code: 'INVALID_ARGUMENT', argument: 'images[0]' });
      expect(Date.now() - started).toBeLessThan(5000);
    }
  });
});
