import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../src/index.js';
import type { ScaleRecord } from '../src/index.js';

export const SCALES = [1, 9, 36, 144, 576] as const;
export const EXAMPLE = fileURLToPath(new URL('../examples/records.jsonl', import.meta.url));
export const tempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), `matryoshka-${prefix}-`));

/** Records from a compact matrix: `rows[id] = correctness at each of SCALES`. */
export function recordsFrom(rows: Record<string, readonly (0 | 1)[]>, extra: Record<string, Record<string, unknown>> = {}): ScaleRecord[] {
  return Object.entries(rows).flatMap(([id, cells]) => cells.map((c, j) => ({ id, scale: SCALES[j]!, correct: c === 1, ...extra[id] })));
}

export interface Synthetic {
  readonly records: ScaleRecord[];
  readonly features: { id: string; features: number[] }[];
}

/**
 * Samples whose correctness depends on their features in a known way: z = x0 + 0.5·x1 decides the
 * smallest scale that answers (z above more cut points needs more tokens; like real benchmarks, most samples need few tokens: about 40% 1, 25% 9, 15% 36, 10% 144, 10% 576); x2 > 1.3 makes a
 * sample unanswerable; 4% of cells are flipped at random. x3…x7 are noise.
 */
export function synthetic(n: number, seed: number): Synthetic {
  const random = seededRandom(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const cuts = [-0.28, 0.43, 0.94, 1.43];
  const records: ScaleRecord[] = [];
  const features: { id: string; features: number[] }[] = [];
  for (let i = 0; i < n; i++) {
    const x = Array.from({ length: 8 }, gauss);
    const z = x[0]! + 0.5 * x[1]!;
    const need = cuts.filter((c) => z > c).length;
    const hopeless = x[2]! > 1.3;
    const id = `s${seed}-${i}`;
    SCALES.forEach((scale, j) => {
      let correct = !hopeless && j >= need;
      if (random() < 0.04) correct = !correct;
      records.push({ id, scale, correct, kind: need });
    });
    features.push({ id, features: x });
  }
  return { records, features };
}
