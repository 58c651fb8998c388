import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { newTally, summary } from '@matryoshka/testing/hostile';

// Bombs and special files, in a child process with a 384 MiB heap and a 60 s limit: a 48 KB
// PNG declaring 20000×20000 pixels, a JPEG declaring 10000×10000, /dev/zero and a FIFO as image
// and model paths, a FIFO planted as the cached default model, concurrent first loads, and an
// unwritable cache folder. Each must end quickly with a coded error or the right result.
const child = fileURLToPath(new URL('./bombs-child.ts', import.meta.url));

describe('encoders: bombs and special files (child process, memory and time limits)', () => {
  it('ends every case quickly with a coded error or the right result', () => {
    const started = Date.now();
    const r = spawnSync(process.execPath, ['--max-old-space-size=384', '--import', 'tsx', child], {
      encoding: 'utf8',
      timeout: 60_000,
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    });
    const lines = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { name: string; ms?: number; code?: string; argument?: string; ok?: unknown; raw?: string });
    const by = Object.fromEntries(lines.map((l) => [l.name, l]));
    const tally = newTally();
    for (const l of lines.filter((x) => x.ms !== undefined)) {
      tally.tried += 1;
      if (l.raw !== undefined) tally.failing.push(`${l.name}: ${l.raw}`);
      else if (l.code !== undefined) tally.coded += 1;
      else tally.correct += 1;
      if ((l.ms ?? 0) > 10_000) tally.failing.push(`${l.name}: ${l.ms} ms`);
    }
    console.log(summary('encoders (child process)', tally), `in ${Date.now() - started} ms; peak RSS ${by.maxRSS?.ok} KB`);
    expect(r.signal, r.stderr.slice(-2000)).toBeNull();
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    expect(tally.failing).toEqual([]);
    expect(by['png declaring 20000×20000']).toMatchObject({ code: 'LIMIT_EXCEEDED', argument: 'image' });
    expect(by['jpeg declaring 10000×10000']).toMatchObject({ code: 'LIMIT_EXCEEDED', argument: 'image' });
    expect(by['png 20000×20000 within a raised limit is then a corrupt file']).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(by['/dev/zero as an image']).toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'image' });
    expect(by['a FIFO as an image']).toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'image' });
    expect(by['/dev/zero as a model']).toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'source' });
    expect(by['a FIFO as a model']).toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'source' });
    expect(by['a folder as a model']).toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'source' });
    expect(by['default model, fresh cache']).toMatchObject({ ok: 'built' });
    expect(by['default model, a FIFO planted as the entry']).toMatchObject({ ok: 'rebuilt' });
    expect(by['four concurrent loads on a fresh cache']).toMatchObject({ ok: 'ok' });
    expect(by['an unwritable cache folder']).toMatchObject({ ok: 'unwritable' });
    expect(by['the same folder again']).toMatchObject({ ok: 'unwritable' });
    expect(by.warnings).toMatchObject({ ok: 1 });
    expect(by['cacheDir 123']).toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'options.cacheDir' });
    // Nothing was decoded or read in full: the process stayed small.
    expect(by.maxRSS?.ok as number).toBeLessThan(700 * 1024);
  });
});
