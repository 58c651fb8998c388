// Run by bombs.test.ts in a child process with a small heap and a time limit: each case must end
// with a coded error (or the right result) quickly, without growing memory. Prints one JSON line
// per case, then the process's peak resident memory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { defaultModel, loadEncoder, loadImage } from '../../src/index.js';
import { jpegDeclaring, pngDeclaring } from './images.js';

const dir = mkdtempSync(join(tmpdir(), 'matryoshka-bombs-'));
const fifo = join(dir, 'fifo');
execFileSync('mkfifo', [fifo]);

async function run(name: string, fn: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  let outcome: { code?: string; argument?: string; ok?: unknown; raw?: string };
  try {
    outcome = { ok: summarize(await fn()) };
  } catch (error) {
    const e = error as { name?: string; code?: string; argument?: string; message?: string };
    outcome = e.name === 'MatryoshkaError' ? { code: e.code!, argument: e.argument! } : { raw: `${e.name}: ${e.message}` };
  }
  console.log(JSON.stringify({ name, ms: Math.round(performance.now() - started), ...outcome }));
}

function summarize(value: unknown): unknown {
  if (typeof value === 'string' || typeof value === 'number') return value;
  const v = value as { width?: number; cache?: string; status?: string };
  return v?.width ?? v?.cache ?? true;
}

await run('png declaring 20000×20000', () => loadImage(pngDeclaring(20000, 20000)));
await run('jpeg declaring 10000×10000', () => loadImage(jpegDeclaring(10000, 10000)));
await run('png 20000×20000 within a raised limit is then a corrupt file', () => loadImage(pngDeclaring(200, 200), 'image', { maxPixels: 40000 }));
await run('/dev/zero as an image', () => loadImage('/dev/zero'));
await run('a FIFO as an image', () => loadImage(fifo));
await run('/dev/zero as a model', () => loadEncoder('/dev/zero', { ort }));
await run('a FIFO as a model', () => loadEncoder(fifo, { ort }));
await run('a folder as a model', () => loadEncoder(dir, { ort }));

// The default model's cache: a FIFO planted where the entry goes is replaced, not read.
const cache = join(dir, 'cache');
await run('default model, fresh cache', async () => (await defaultModel({ cacheDir: cache })).cache);
const entry = readdirSync(cache).find((f) => f.endsWith('.onnx'))!;
rmSync(join(cache, entry));
execFileSync('mkfifo', [join(cache, entry)]);
await run('default model, a FIFO planted as the entry', async () => (await defaultModel({ cacheDir: cache })).cache);
// Concurrent loads on a fresh cache in one process: unique temporary names, all succeed.
const fresh = join(dir, 'fresh');
await run('four concurrent loads on a fresh cache', async () => {
  const all = await Promise.all([1, 2, 3, 4].map(() => defaultModel({ cacheDir: fresh })));
  return all.every((m) => m.bytes.length > 0 && (m.cache === 'built' || m.cache === 'rebuilt' || m.cache === 'hit')) ? 'ok' : 'bad';
});
// A folder that cannot be made (below a regular file): converted in memory, one warning.
writeFileSync(join(dir, 'file'), 'x');
let warnings = 0;
process.on('warning', (w) => {
  if ((w as { code?: string }).code === 'MATRYOSHKA_CACHE_UNWRITABLE') warnings += 1;
});
await run('an unwritable cache folder', async () => (await defaultModel({ cacheDir: join(dir, 'file', 'sub') })).cache);
await run('the same folder again', async () => (await defaultModel({ cacheDir: join(dir, 'file', 'sub') })).cache);
await new Promise((r) => setTimeout(r, 50));
console.log(JSON.stringify({ name: 'warnings', ok: warnings }));
await run('cacheDir 123', () => defaultModel({ cacheDir: 123 as unknown as string }));
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ name: 'maxRSS', ok: process.resourceUsage().maxRSS }));
