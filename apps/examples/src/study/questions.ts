import { CLASS_NAMES } from './fashion-mnist.js';

/** The four question types of mosaic-QA. */
export const QUESTION_TYPES = ['exist', 'count', 'where', 'same'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

/**
 * Every answer the model can give: the ten classes, yes/no, counts 0–4 (one softmax over all).
 * Counts stop at 4: the generator never asks about a class that is there more often.
 */
export const ANSWERS = [...CLASS_NAMES, 'yes', 'no', '0', '1', '2', '3', '4'] as const;
export const YES = 10;
export const NO = 11;
export const COUNT0 = 12;
export const MAX_COUNT = 4;

/**
 * One question about one image. `grid` is the side of the image's grid (1 for a single item or a
 * 1×1 grid); `cells` the row-major cells a where/same question is about (none: the whole canvas);
 * `cls` the class an exist/count question names.
 */
export interface Question {
  readonly type: QuestionType;
  readonly grid: number;
  readonly cells: readonly number[];
  readonly cls?: number;
}

const cellName = (grid: number, cell: number): string => `row ${Math.floor(cell / grid) + 1}, column ${(cell % grid) + 1}`;

export function questionText(q: Question): string {
  switch (q.type) {
    case 'where':
      return q.cells.length === 0 ? 'What is the item?' : `What is at ${cellName(q.grid, q.cells[0]!)} of the ${q.grid}×${q.grid} grid?`;
    case 'exist':
      return `Is there a ${CLASS_NAMES[q.cls!]!.toLowerCase()}?`;
    case 'count':
      return `How many ${CLASS_NAMES[q.cls!]!.toLowerCase()} items are there?`;
    case 'same':
      return `Are the items at ${cellName(q.grid, q.cells[0]!)} and ${cellName(q.grid, q.cells[1]!)} of the ${q.grid}×${q.grid} grid the same kind?`;
  }
}

/** The answer (an index into `ANSWERS`) that follows from the item labels (row-major cells). */
export function answer(q: Question, labels: readonly number[]): number {
  switch (q.type) {
    case 'where':
      return labels[q.cells[0] ?? 0]!;
    case 'exist':
      return labels.includes(q.cls!) ? YES : NO;
    case 'count': {
      const n = labels.filter((l) => l === q.cls).length;
      if (n > MAX_COUNT) throw new RangeError(`count question about ${n} items (at most ${MAX_COUNT})`);
      return COUNT0 + n;
    }
    case 'same':
      return labels[q.cells[0]!] === labels[q.cells[1]!] ? YES : NO;
  }
}

/**
 * Length of a question's numeric form: type one-hot (4), class one-hot (10), the two cells'
 * centres (x, y in [−1, 1]), the grid side / 6, and the same four coordinates and a constant
 * multiplied by k = grid² / 4 — what a query needs to be linear in for its attention to peak on a
 * cell whose half-width is 1 / grid (score ∝ −k·|p − c|² = k(2c·p − |p|²) − k|c|²).
 */
export const QUESTION_FEATURES = 4 + 10 + 4 + 1 + 5;
/** Indices of k·cx, k·cy of cell A and cell B and of k in `questionFeatures` (the answer model's cell attention reads them). */
export const CELL_FEATURES = { a: [19, 20], b: [21, 22], k: 23 } as const;

/** Centre of a cell of a `grid`×`grid` layout in [−1, 1] coordinates (x right, y down). */
export function cellCentre(grid: number, cell: number): [number, number] {
  const r = Math.floor(cell / grid);
  const c = cell % grid;
  return [((c + 0.5) / grid) * 2 - 1, ((r + 0.5) / grid) * 2 - 1];
}

/** The numeric form both the answer model and the scale predictor read (see `QUESTION_FEATURES`). */
export function questionFeatures(q: Question): number[] {
  const out = new Array<number>(QUESTION_FEATURES).fill(0);
  out[QUESTION_TYPES.indexOf(q.type)] = 1;
  if (q.cls !== undefined) out[4 + q.cls] = 1;
  if (q.cells.length > 0) {
    const [ax, ay] = cellCentre(q.grid, q.cells[0]!);
    const [bx, by] = cellCentre(q.grid, q.cells[q.cells.length - 1]!);
    const k = (q.grid * q.grid) / 4;
    out.splice(14, 10, ax, ay, bx, by, q.grid / 6, k * ax, k * ay, k * bx, k * by, k);
  }
  return out;
}
