import { CLASS_NAMES } from './fashion-mnist.js';

/** The four question types of mosaic-QA, from least to most spatial detail needed (roughly). */
export const QUESTION_TYPES = ['exist', 'count', 'where', 'same'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

export const QUADRANTS = ['top-left', 'top-right', 'bottom-left', 'bottom-right'] as const;
/** Pairs of quadrants for the relational question. */
export const PAIRS = [
  { name: 'top row', quadrants: [0, 1] },
  { name: 'bottom row', quadrants: [2, 3] },
  { name: 'left column', quadrants: [0, 2] },
  { name: 'right column', quadrants: [1, 3] },
] as const;
/** Sandal, Sneaker, Ankle boot. */
export const FOOTWEAR = new Set([5, 7, 9]);

/** Every answer the model can give: the ten classes, yes/no, counts 0–4 (one softmax over all). */
export const ANSWERS = [...CLASS_NAMES, 'yes', 'no', '0', '1', '2', '3', '4'] as const;
const YES = 10;
const NO = 11;
const COUNT0 = 12;

/**
 * A question is one of 19 ids: where × 4 quadrants, exist × 10 classes, count (footwear), same × 4
 * pairs. The answer model embeds the id; the scale predictor gets it one-hot.
 */
export const QUESTION_COUNT = 4 + 10 + 1 + 4;

export interface Question {
  readonly id: number;
  readonly type: QuestionType;
  readonly text: string;
}

export function question(id: number): Question {
  if (!Number.isInteger(id) || id < 0 || id >= QUESTION_COUNT) throw new RangeError(`question id ${id} is not an integer in [0, ${QUESTION_COUNT})`);
  if (id < 4) return { id, type: 'where', text: `What is in the ${QUADRANTS[id]}?` };
  if (id < 14) return { id, type: 'exist', text: `Is there a ${CLASS_NAMES[id - 4]!.toLowerCase()}?` };
  if (id === 14) return { id, type: 'count', text: 'How many footwear items are there?' };
  return { id, type: 'same', text: `Are the two items in the ${PAIRS[id - 15]!.name} the same kind?` };
}

export const whereQuestion = (quadrant: number): number => quadrant;
export const existQuestion = (cls: number): number => 4 + cls;
export const COUNT_QUESTION = 14;
export const sameQuestion = (pair: number): number => 15 + pair;

/** The answer (an index into `ANSWERS`) that follows from the four labels (top-left, top-right, bottom-left, bottom-right). */
export function answer(id: number, labels: ArrayLike<number>): number {
  const q = question(id);
  switch (q.type) {
    case 'where':
      return labels[id]!;
    case 'exist': {
      const cls = id - 4;
      return Array.from(labels).includes(cls) ? YES : NO;
    }
    case 'count':
      return COUNT0 + Array.from(labels).filter((l) => FOOTWEAR.has(l)).length;
    case 'same': {
      const [a, b] = PAIRS[id - 15]!.quadrants;
      return labels[a]! === labels[b]! ? YES : NO;
    }
  }
}

/** The predictor's view of a question: one-hot over the 19 ids. */
export function questionEmbedding(id: number): number[] {
  question(id);
  return Array.from({ length: QUESTION_COUNT }, (_, k) => (k === id ? 1 : 0));
}
