import { seededRandom } from '@matryoshka/scale-predictor';
import { ITEM_SIZE, type FashionMnistSplit } from './fashion-mnist.js';
import { MAX_COUNT, answer, type Question } from './questions.js';

/** Every image is drawn on this canvas: the encoder's input size, so nothing is resized again. */
export const CANVAS = 384;

/**
 * The subsets of mosaic-QA, by how much detail the image holds: grids of n×n items filling the
 * canvas (`grid2` is the original 2×2 task), and one item of random size and position on an
 * empty canvas (`single`). Images cycle through the subsets, so every split holds each equally.
 */
export const SUBSETS = ['grid1', 'grid2', 'grid3', 'grid4', 'grid6', 'single'] as const;
export type Subset = (typeof SUBSETS)[number];
/** The subsets whose items are smaller than one 9-token cell: where the scale choice matters most. */
export const DENSE_SUBSETS: readonly Subset[] = ['grid4', 'grid6'];
/** Smallest and largest side (pixels) of a `single` item; log-uniform in between. */
export const SINGLE_SIZE = [16, 192] as const;

export type Layout = { readonly kind: 'grid'; readonly n: number } | { readonly kind: 'single'; readonly size: number; readonly x: number; readonly y: number };

/** One image and its four questions (one per type; images with one item ask two exist questions instead of `same`). */
export interface Mosaic {
  /** Index of the image within its split. */
  readonly index: number;
  readonly subset: Subset;
  readonly layout: Layout;
  /** Source item indices, row-major cells. */
  readonly items: readonly number[];
  readonly labels: readonly number[];
  readonly questions: readonly Question[];
  /** Answers, indices into ANSWERS. */
  readonly answers: readonly number[];
}

export interface SplitSpec {
  readonly name: 'train' | 'validation' | 'test';
  readonly source: FashionMnistSplit;
  /** The items this split may use: [first, end) of the source, so splits never share an item. */
  readonly itemRange: readonly [number, number];
  readonly mosaics: number;
  readonly seed: number;
}

export const QUESTIONS_PER_IMAGE = 4;

/**
 * Draws a split's images. Answers are balanced by construction: the counted class appears a
 * uniform 0…min(4, cells) times, exist questions are "yes" half the time (a present class) and
 * "no" half the time (a class left out on purpose), and the compared pair is made the same kind
 * half the time.
 */
export function makeMosaics(spec: SplitSpec): Mosaic[] {
  const random = seededRandom(spec.seed);
  const int = (n: number): number => Math.floor(random() * n);
  const [first, end] = spec.itemRange;
  const { labels } = spec.source;
  const byClass: number[][] = Array.from({ length: 10 }, () => []);
  for (let i = first; i < end; i++) byClass[labels[i]!]!.push(i);
  const item = (cls: number): number => byClass[cls]![int(byClass[cls]!.length)]!;
  const otherThan = (excluded: readonly number[]): number => {
    const allowed = Array.from({ length: 10 }, (_, c) => c).filter((c) => !excluded.includes(c));
    return allowed[int(allowed.length)]!;
  };
  const out: Mosaic[] = [];
  for (let m = 0; m < spec.mosaics; m++) {
    const subset = SUBSETS[m % SUBSETS.length]!;
    let layout: Layout;
    let cls: number[];
    let questions: Question[];
    if (subset === 'single' || subset === 'grid1') {
      if (subset === 'single') {
        const size = Math.round(SINGLE_SIZE[0] * (SINGLE_SIZE[1] / SINGLE_SIZE[0]) ** random());
        layout = { kind: 'single', size, x: int(CANVAS - size + 1), y: int(CANVAS - size + 1) };
      } else layout = { kind: 'grid', n: 1 };
      const l = int(10);
      cls = [l];
      const exist = (): Question => ({ type: 'exist', grid: 1, cells: [], cls: random() < 0.5 ? l : otherThan([l]) });
      questions = [exist(), { type: 'count', grid: 1, cells: [], cls: random() < 0.5 ? l : otherThan([l]) }, { type: 'where', grid: 1, cells: [] }, exist()];
    } else {
      const n = Number(subset.slice(4));
      layout = { kind: 'grid', n };
      const N = n * n;
      // The counted class X appears exactly `count` times; class Z is nowhere (for "no" answers).
      const X = int(10);
      const Z = otherThan([X]);
      const count = int(Math.min(MAX_COUNT, N) + 1);
      cls = Array.from({ length: N }, () => otherThan([X, Z]));
      const cells = Array.from({ length: N }, (_, i) => i);
      for (let i = N - 1; i > 0; i--) {
        const j = int(i + 1);
        [cells[i], cells[j]] = [cells[j]!, cells[i]!];
      }
      for (const c of cells.slice(0, count)) cls[c] = X;
      // A horizontally or vertically adjacent pair, the same kind half the time (never changing the count).
      const pairs: [number, number][] = [];
      for (let c = 0; c < N; c++) {
        if (c % n < n - 1) pairs.push([c, c + 1]);
        if (c + n < N) pairs.push([c, c + n]);
      }
      const wantSame = random() < 0.5;
      let [a, b] = pairs[int(pairs.length)]!;
      if (wantSame) {
        const fits = pairs.filter(([p, q]) => (cls[p] === X) === (cls[q] === X));
        if (fits.length > 0) {
          [a, b] = fits[int(fits.length)]!;
          cls[b] = cls[a]!;
        }
      } else if (cls[a] === cls[b]) {
        if (cls[a] === X) {
          const mixed = pairs.filter(([p, q]) => (cls[p] === X) !== (cls[q] === X));
          if (mixed.length > 0) [a, b] = mixed[int(mixed.length)]!;
        } else cls[b] = otherThan([X, Z, cls[a]!]);
      }
      const present = [...new Set(cls)];
      questions = [
        { type: 'exist', grid: n, cells: [], cls: random() < 0.5 ? present[int(present.length)]! : Z },
        { type: 'count', grid: n, cells: [], cls: X },
        { type: 'where', grid: n, cells: [int(N)] },
        { type: 'same', grid: n, cells: [a, b] },
      ];
    }
    out.push({ index: m, subset, layout, items: cls.map(item), labels: cls, questions, answers: questions.map((q) => answer(q, cls)) });
  }
  return out;
}

/** Bilinear resize of one 28×28 item into a `size`×`size` square of `data` (CANVAS wide) at (x, y). */
function drawItem(data: Uint8Array, source: FashionMnistSplit, item: number, x: number, y: number, size: number): void {
  const src = item * ITEM_SIZE * ITEM_SIZE;
  const px = (r: number, c: number): number =>
    source.images[src + Math.min(ITEM_SIZE - 1, Math.max(0, r)) * ITEM_SIZE + Math.min(ITEM_SIZE - 1, Math.max(0, c))]!;
  for (let j = 0; j < size; j++) {
    const sy = ((j + 0.5) * ITEM_SIZE) / size - 0.5;
    const y0 = Math.floor(sy);
    const fy = sy - y0;
    for (let i = 0; i < size; i++) {
      const sx = ((i + 0.5) * ITEM_SIZE) / size - 0.5;
      const x0 = Math.floor(sx);
      const fx = sx - x0;
      const v = (1 - fy) * ((1 - fx) * px(y0, x0) + fx * px(y0, x0 + 1)) + fy * ((1 - fx) * px(y0 + 1, x0) + fx * px(y0 + 1, x0 + 1));
      data[(y + j) * CANVAS + x + i] = Math.round(v);
    }
  }
}

/** The image as CANVAS×CANVAS gray pixels (white items on black), what the encoder reads as is. */
export function mosaicPixels(mosaic: Mosaic, source: FashionMnistSplit): { data: Uint8Array; width: number; height: number; channels: 1 } {
  const data = new Uint8Array(CANVAS * CANVAS);
  const l = mosaic.layout;
  if (l.kind === 'single') drawItem(data, source, mosaic.items[0]!, l.x, l.y, l.size);
  else {
    const cell = CANVAS / l.n;
    mosaic.items.forEach((item, c) => drawItem(data, source, item, (c % l.n) * cell, Math.floor(c / l.n) * cell, cell));
  }
  return { data, width: CANVAS, height: CANVAS, channels: 1 };
}

/**
 * More questions about the same training images: the answer model learns from every question, and
 * the images (what costs: the encoder) stay the same. Drawn from their own seed, so the four
 * questions every image keeps are unchanged; each type takes turns, with balanced answers where
 * the image allows (an exist question is "yes" half the time; a count question asks about a class
 * there at most 4 times; a same question asks about a matching pair half the time).
 */
export function withExtraQuestions(mosaics: readonly Mosaic[], extra: number, seed: number): Mosaic[] {
  const random = seededRandom(seed);
  const int = (n: number): number => Math.floor(random() * n);
  const pickFrom = <T>(list: readonly T[]): T => list[int(list.length)]!;
  return mosaics.map((m) => {
    const labels = m.labels;
    const n = m.layout.kind === 'grid' ? m.layout.n : 1; // the grid's side (1 for a single item)
    const N = labels.length;
    const present = [...new Set(labels)];
    const absent = Array.from({ length: 10 }, (_, c) => c).filter((c) => !present.includes(c));
    const countable = Array.from({ length: 10 }, (_, c) => c).filter((c) => labels.filter((l) => l === c).length <= MAX_COUNT);
    const pairs: [number, number][] = [];
    for (let c = 0; c < N && N > 1; c++) {
      if (c % n < n - 1) pairs.push([c, c + 1]);
      if (c + n < N) pairs.push([c, c + n]);
    }
    const same = pairs.filter(([a, b]) => labels[a] === labels[b]);
    const questions: Question[] = [];
    for (let k = 0; k < extra; k++) {
      const type = (['exist', 'count', 'where', 'same'] as const)[k % 4]!;
      if (type === 'where') questions.push({ type, grid: n, cells: N > 1 ? [int(N)] : [] });
      else if (type === 'count') {
        // Half the time a class that is there, so counts above 0 are not rare.
        const there = countable.filter((c) => present.includes(c));
        questions.push({ type, grid: n, cells: [], cls: random() < 0.5 && there.length > 0 ? pickFrom(there) : pickFrom(countable) });
      } else if (type === 'same' && pairs.length > 0)
        questions.push({ type, grid: n, cells: [...(random() < 0.5 && same.length > 0 ? pickFrom(same) : pickFrom(pairs))] });
      else questions.push({ type: 'exist', grid: n, cells: [], cls: random() < 0.5 || absent.length === 0 ? pickFrom(present) : pickFrom(absent) });
    }
    const all = [...m.questions, ...questions];
    return { ...m, questions: all, answers: all.map((q) => answer(q, labels)) };
  });
}
