import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultModel } from '../src/index.js';
import { tempDir } from './helpers.js';

// Byte equality without vitest's element-by-element diff (the graphs are megabytes).
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

describe('the converted default model is cached on disk', () => {
  it('is built once, then read back; a corrupt entry is detected by its hash and rebuilt', async () => {
    const cacheDir = tempDir('cache');
    const first = await defaultModel({ cacheDir });
    expect(first.cache).toBe('built');
    expect(readdirSync(cacheDir).sort()).toEqual([`${first.cacheFile!.split('/').pop()}`, `${first.cacheFile!.split('/').pop()}.sha256`]);

    const second = await defaultModel({ cacheDir });
    expect(second.cache).toBe('hit');
    expect(same(second.bytes, first.bytes)).toBe(true);

    const damaged = readFileSync(first.cacheFile!);
    damaged[damaged.length >> 1]! ^= 0xff; // one flipped byte in the weights
    writeFileSync(first.cacheFile!, damaged);
    const third = await defaultModel({ cacheDir });
    expect(third.cache).toBe('rebuilt');
    expect(same(third.bytes, first.bytes)).toBe(true);

    writeFileSync(first.cacheFile!, first.bytes.subarray(0, 1000)); // a truncated write
    expect((await defaultModel({ cacheDir })).cache).toBe('rebuilt');
    expect((await defaultModel({ cacheDir })).cache).toBe('hit');
  });

  it('keys entries by layer, and can be turned off', async () => {
    const cacheDir = tempDir('cache-layers');
    const grid = await defaultModel({ cacheDir });
    const head = await defaultModel({ cacheDir, layer: 'dense_3' });
    expect(head.cacheFile).not.toBe(grid.cacheFile);
    expect(head.bytes.length).toBeGreaterThan(grid.bytes.length);
    const memory = await defaultModel({ cacheDir: false });
    expect(memory.cache).toBe('disabled');
    expect(same(memory.bytes, grid.bytes)).toBe(true);
    expect(readdirSync(cacheDir)).toHaveLength(4);
  });
});
