import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseIdx, type FashionMnistSplit } from '../../src/study/fashion-mnist.js';
import { CANVAS, QUESTIONS_PER_IMAGE, SINGLE_SIZE, SUBSETS, makeMosaics, mosaicPixels, withExtraQuestions } from '../../src/study/mosaics.js';
import { COUNT0, MAX_COUNT, NO, YES, answer } from '../../src/study/questions.js';

// A synthetic source: item i is filled with the value i % 256 and has label i % 10.
const count = 2000;
const source: FashionMnistSplit = {
  count,
  images: Uint8Array.from({ length: count * 784 }, (_, k) => Math.floor(k / 784) % 256),
  labels: Uint8Array.from({ length: count }, (_, i) => i % 10),
};

describe('mosaic-QA images', () => {
  const spec = { name: 'train' as const, source, itemRange: [500, 1500] as const, mosaics: 1200, seed: 3 };
  const all = makeMosaics(spec);

  it('are seeded, stay in their item range, cycle through the subsets and answer from their labels', () => {
    expect(makeMosaics(spec)).toEqual(all);
    expect(makeMosaics({ ...spec, seed: 4 })).not.toEqual(all);
    all.forEach((m, i) => {
      expect(m.subset).toBe(SUBSETS[i % SUBSETS.length]);
      expect(m.items.every((item) => item >= 500 && item < 1500)).toBe(true);
      expect(m.labels).toEqual(m.items.map((item) => item % 10));
      expect(m.labels).toHaveLength(m.layout.kind === 'single' ? 1 : m.layout.n ** 2);
      expect(m.questions).toHaveLength(QUESTIONS_PER_IMAGE);
      m.questions.forEach((q, k) => expect(m.answers[k]).toBe(answer(q, m.labels)));
      const types = m.questions.map((q) => q.type).sort();
      expect(types).toEqual(m.labels.length === 1 ? ['count', 'exist', 'exist', 'where'] : ['count', 'exist', 'same', 'where']);
      for (const q of m.questions) expect(q.cells.every((c) => c >= 0 && c < m.labels.length)).toBe(true);
    });
  });

  it('get extra training questions: the four kept, the rest seeded, valid, of every type and balanced', () => {
    const extra = withExtraQuestions(all, 8, 11);
    expect(withExtraQuestions(all, 8, 11)).toEqual(extra);
    expect(withExtraQuestions(all, 8, 12)).not.toEqual(extra);
    const added = extra.flatMap((m, i) => {
      // The images and their own four questions are untouched.
      expect({ ...m, questions: m.questions.slice(0, 4), answers: m.answers.slice(0, 4) }).toEqual(all[i]);
      expect(m.questions).toHaveLength(QUESTIONS_PER_IMAGE + 8);
      m.questions.forEach((q, k) => {
        expect(m.answers[k]).toBe(answer(q, m.labels)); // throws for a count above MAX_COUNT
        expect(q.cells.every((c) => c >= 0 && c < m.labels.length)).toBe(true);
      });
      return m.questions.slice(4).map((q, k) => ({ q, a: m.answers[4 + k]!, items: m.labels.length }));
    });
    const types = new Set(added.map((x) => x.q.type));
    expect([...types].sort()).toEqual(['count', 'exist', 'same', 'where']);
    const exist = added.filter((x) => x.q.type === 'exist');
    const yes = exist.filter((x) => x.a === YES).length / exist.length;
    expect(yes).toBeGreaterThan(0.4);
    expect(exist.some((x) => x.a === NO)).toBe(true);
    const counts = new Set(added.filter((x) => x.q.type === 'count').map((x) => x.a - COUNT0));
    for (const n of [0, 1, 2, 3]) expect(counts.has(n)).toBe(true);
    const same = added.filter((x) => x.q.type === 'same');
    expect(same.filter((x) => x.a === YES).length / same.length).toBeGreaterThan(0.3);
    expect(same.every((x) => x.items > 1)).toBe(true);
  });

  it('balance their answers: yes/no about half each, counts spread over 0–4, same pairs adjacent', () => {
    const share = (type: string, value: number) => {
      const list = all.flatMap((m) => m.questions.map((q, k) => [q.type, m.answers[k]] as const)).filter(([t]) => t === type);
      return list.filter(([, a]) => a === value).length / list.length;
    };
    expect(share('exist', YES)).toBeGreaterThan(0.42);
    expect(share('exist', YES)).toBeLessThan(0.58);
    expect(share('same', YES)).toBeGreaterThan(0.38);
    expect(share('same', YES)).toBeLessThan(0.62);
    const dense = all.filter((m) => m.subset === 'grid6');
    const counts = dense.map((m) => m.answers[m.questions.findIndex((q) => q.type === 'count')]! - COUNT0);
    for (let c = 0; c <= MAX_COUNT; c++) expect(counts.filter((x) => x === c).length / counts.length).toBeGreaterThan(0.1);
    for (const m of all.filter((x) => x.layout.kind === 'grid' && x.layout.n > 1)) {
      const n = (m.layout as { n: number }).n;
      const [a, b] = m.questions.find((q) => q.type === 'same')!.cells;
      expect([1, n]).toContain(b! - a!);
    }
  });

  it('draw on the 384 px canvas: grid cells filled, single items inside the canvas on black', () => {
    const grid = all.find((m) => m.subset === 'grid6')!;
    const px = mosaicPixels(grid, source);
    expect([px.width, px.height, px.channels]).toEqual([CANVAS, CANVAS, 1]);
    const at = (x: number, y: number) => px.data[y * CANVAS + x];
    // Each item is flat (value item % 256), so every pixel of cell (r, c) holds it.
    expect([at(0, 0), at(383, 0), at(0, 383), at(383, 383), at(64 + 10, 10)]).toEqual([0, 5, 30, 35, 1].map((c) => grid.items[c]! % 256));
    for (const m of all.filter((x) => x.layout.kind === 'single').slice(0, 20)) {
      const l = m.layout as { size: number; x: number; y: number };
      expect(l.size).toBeGreaterThanOrEqual(SINGLE_SIZE[0]);
      expect(l.size).toBeLessThanOrEqual(SINGLE_SIZE[1]);
      expect(l.x + l.size).toBeLessThanOrEqual(CANVAS);
      const img = mosaicPixels(m, source).data;
      const lit = img.reduce((s, v) => s + (v > 0 ? 1 : 0), 0);
      expect(lit).toBeLessThanOrEqual(l.size * l.size);
    }
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
