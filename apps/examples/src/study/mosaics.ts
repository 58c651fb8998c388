import { seededRandom } from '@matryoshka/scale-predictor';
import { ITEM_SIZE, type FashionMnistSplit } from './fashion-mnist.js';
import { COUNT_QUESTION, PAIRS, answer, existQuestion, sameQuestion, whereQuestion } from './questions.js';

export const MOSAIC_SIZE = 2 * ITEM_SIZE;

/** A 2×2 mosaic of four Fashion-MNIST items and its four questions (one per type). */
export interface Mosaic {
  /** Index of the mosaic within its split. */
  readonly index: number;
  /** Source item indices, top-left, top-right, bottom-left, bottom-right. */
  readonly items: readonly number[];
  readonly labels: readonly number[];
  /** Question ids (see questions.ts) and their answers (indices into ANSWERS). */
  readonly questions: readonly number[];
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

/**
 * Draws a split's mosaics. Items are random from the split's own range; questions are balanced:
 * half the existence questions name a class that is there, and half the relational questions
 * are made true by placing a second item of the same class in the asked pair.
 */
export function makeMosaics(spec: SplitSpec): Mosaic[] {
  const random = seededRandom(spec.seed);
  const int = (n: number): number => Math.floor(random() * n);
  const [first, end] = spec.itemRange;
  const { labels } = spec.source;
  // Items of each class within the range, to draw "same kind" partners.
  const byClass: number[][] = Array.from({ length: 10 }, () => []);
  for (let i = first; i < end; i++) byClass[labels[i]!]!.push(i);
  const out: Mosaic[] = [];
  for (let m = 0; m < spec.mosaics; m++) {
    const pair = int(PAIRS.length);
    const items = Array.from({ length: 4 }, () => first + int(end - first));
    if (random() < 0.5) {
      const [a, b] = PAIRS[pair]!.quadrants;
      const pool = byClass[labels[items[a]!]!]!;
      items[b] = pool[int(pool.length)]!;
    }
    const mosaicLabels = items.map((i) => labels[i]!);
    const present = [...new Set(mosaicLabels)];
    const absent = Array.from({ length: 10 }, (_, c) => c).filter((c) => !present.includes(c));
    const existClass = random() < 0.5 || absent.length === 0 ? present[int(present.length)]! : absent[int(absent.length)]!;
    const questions = [existQuestion(existClass), COUNT_QUESTION, whereQuestion(int(4)), sameQuestion(pair)];
    out.push({ index: m, items, labels: mosaicLabels, questions, answers: questions.map((q) => answer(q, mosaicLabels)) });
  }
  return out;
}

/** The mosaic as a 56×56 gray image (what the encoder resizes to 384×384). */
export function mosaicPixels(mosaic: Mosaic, source: FashionMnistSplit): { data: Uint8Array; width: number; height: number; channels: 1 } {
  const data = new Uint8Array(MOSAIC_SIZE * MOSAIC_SIZE);
  mosaic.items.forEach((item, q) => {
    const top = (q >> 1) * ITEM_SIZE;
    const left = (q & 1) * ITEM_SIZE;
    const src = item * ITEM_SIZE * ITEM_SIZE;
    for (let y = 0; y < ITEM_SIZE; y++) data.set(source.images.subarray(src + y * ITEM_SIZE, src + (y + 1) * ITEM_SIZE), (top + y) * MOSAIC_SIZE + left);
  });
  return { data, width: MOSAIC_SIZE, height: MOSAIC_SIZE, channels: 1 };
}
