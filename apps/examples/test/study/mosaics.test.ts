import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseIdx, type FashionMnistSplit } from '../../src/study/fashion-mnist.js';
import { MOSAIC_SIZE, makeMosaics, mosaicPixels } from '../../src/study/mosaics.js';
import { answer } from '../../src/study/questions.js';

// A synthetic source: item i is filled with the value i % 256 and has label i % 10.
const count = 2000;
const source: FashionMnistSplit = {
  count,
  images: Uint8Array.from({ length: count * 784 }, (_, k) => Math.floor(k / 784) % 256),
  labels: Uint8Array.from({ length: count }, (_, i) => i % 10),
};

describe('mosaics', () => {
  it('are seeded, stay in their item range, and carry one question of each type with the right answers', () => {
    const spec = { name: 'train' as const, source, itemRange: [500, 1500] as const, mosaics: 400, seed: 3 };
    const a = makeMosaics(spec);
    expect(makeMosaics(spec)).toEqual(a);
    expect(makeMosaics({ ...spec, seed: 4 })).not.toEqual(a);
    for (const m of a) {
      expect(m.items.every((i) => i >= 500 && i < 1500)).toBe(true);
      expect(m.labels).toEqual(m.items.map((i) => i % 10));
      expect(m.questions.map((q) => (q < 4 ? 'where' : q < 14 ? 'exist' : q === 14 ? 'count' : 'same')).sort()).toEqual(['count', 'exist', 'same', 'where']);
      m.questions.forEach((q, k) => expect(m.answers[k]).toBe(answer(q, m.labels)));
    }
    // Balanced yes/no: about half the existence and relational questions are true.
    const yes = (lo: number, hi: number) => a.filter((m) => m.questions.some((q, k) => q >= lo && q < hi && m.answers[k] === 10)).length / a.length;
    expect(yes(4, 14)).toBeGreaterThan(0.4);
    expect(yes(4, 14)).toBeLessThan(0.65);
    expect(yes(15, 19)).toBeGreaterThan(0.45);
    expect(yes(15, 19)).toBeLessThan(0.7);
  });

  it('lay the four items out as a 56×56 image', () => {
    const [m] = makeMosaics({ name: 'test', source, itemRange: [0, 1000], mosaics: 1, seed: 1 });
    const px = mosaicPixels(m!, source);
    expect([px.width, px.height, px.channels]).toEqual([MOSAIC_SIZE, MOSAIC_SIZE, 1]);
    const at = (x: number, y: number) => px.data[y * MOSAIC_SIZE + x];
    expect([at(0, 0), at(55, 0), at(0, 55), at(55, 55)]).toEqual(m!.items.map((i) => i % 256));
  });
});

describe('IDX files', () => {
  const idx = (dims: number[], data: number[]): Uint8Array => {
    const head = Buffer.alloc(4 + 4 * dims.length);
    head.writeUInt8(0x08, 2);
    head.writeUInt8(dims.length, 3);
    dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
    return new Uint8Array(Buffer.concat([head, Buffer.from(data)]));
  };

  it('parse, and refuse corrupt ones with the file named', () => {
    expect(parseIdx(idx([2, 2], [1, 2, 3, 4]), 'a')).toEqual({ dims: [2, 2], data: Uint8Array.from([1, 2, 3, 4]) });
    expect(() => parseIdx(idx([2, 2], [1, 2, 3]), 'short.idx')).toThrow(/short\.idx: expected 16 bytes for dims 2×2, got 15/);
    expect(() => parseIdx(gzipSync(idx([1], [1])), 'gz.idx')).toThrow(/gz\.idx: not an unsigned-byte IDX file/);
  });
});
