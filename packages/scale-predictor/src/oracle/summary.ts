import type { UnansweredCharge } from './options.js';
import type { SampleTable } from './sample-table.js';

export interface ScaleResult {
  readonly scale: number;
  /** Mean tokens the samples received at this scale (equals `scale` unless records said otherwise). */
  readonly meanTokens: number;
  readonly correct: number;
  readonly accuracy: number;
}

export interface OracleResult {
  /** Samples right at some scale. */
  readonly correct: number;
  /** Share of samples right at some scale (the oracle picks the smallest such scale). */
  readonly accuracy: number;
  /** Samples no scale answers. */
  readonly unanswered: number;
  /**
   * Mean tokens of the oracle scale, unanswered samples charged per `options.unanswered`;
   * `null` when every sample is unanswered and they are excluded.
   */
  readonly meanTokens: number | null;
}

/** How many samples have each scale as their oracle (smallest correct) scale; `null`: none. */
export interface OracleShare {
  readonly scale: number | null;
  readonly count: number;
  readonly share: number;
}

/** Samples flipping between consecutive scales `from` → `to`. */
export interface ScaleStep {
  readonly from: number;
  readonly to: number;
  /** Right at `from`, wrong at `to`: more tokens hurt. */
  readonly lost: number;
  /** Wrong at `from`, right at `to`. */
  readonly gained: number;
}

export interface MoreTokensHurt {
  /** Samples right at some scale and wrong at a larger one. */
  readonly samples: number;
  readonly share: number;
  readonly steps: readonly ScaleStep[];
}

export interface Summary {
  readonly samples: number;
  readonly scales: readonly ScaleResult[];
  /** The most accurate fixed scale (ties go to fewer mean tokens). */
  readonly bestFixed: ScaleResult;
  readonly oracle: OracleResult;
  /** The distribution of oracle scales: the data's "visual richness". */
  readonly oracleScales: readonly OracleShare[];
  readonly moreTokensHurt: MoreTokensHurt;
}

/** Index of the smallest correct scale of row `i`, or -1. */
export function oracleIndex(table: SampleTable, i: number): number {
  const m = table.scales.length;
  for (let j = 0; j < m; j++) if (table.correct[i * m + j] === 1) return j;
  return -1;
}

/** Tokens the oracle spends on row `i`, or `undefined` when the row is excluded from the mean. */
export function oracleTokens(table: SampleTable, i: number, unanswered: UnansweredCharge): number | undefined {
  const m = table.scales.length;
  const j = oracleIndex(table, i);
  if (j >= 0) return table.tokens[i * m + j]!;
  if (unanswered === 'exclude') return undefined;
  return table.tokens[i * m + (unanswered === 'smallest' ? 0 : m - 1)]!;
}

/** Every analysis figure over the rows `rows` of the table. */
export function summarize(table: SampleTable, rows: readonly number[]): Summary {
  const { scales } = table;
  const m = scales.length;
  const n = rows.length;
  const correctAt = new Array<number>(m).fill(0);
  const tokensAt = new Array<number>(m).fill(0);
  const oracleCounts = new Array<number>(m + 1).fill(0); // last: unanswered
  const lost = new Array<number>(Math.max(m - 1, 0)).fill(0);
  const gained = new Array<number>(Math.max(m - 1, 0)).fill(0);
  let hurt = 0;
  let tokenSum = 0;
  let charged = 0;
  for (const i of rows) {
    let rightBefore = false;
    let hurtHere = false;
    for (let j = 0; j < m; j++) {
      const c = table.correct[i * m + j] === 1;
      if (c) correctAt[j]!++;
      tokensAt[j]! += table.tokens[i * m + j]!;
      if (rightBefore && !c) hurtHere = true;
      rightBefore ||= c;
      if (j > 0) {
        const prev = table.correct[i * m + j - 1] === 1;
        if (prev && !c) lost[j - 1]!++;
        if (!prev && c) gained[j - 1]!++;
      }
    }
    if (hurtHere) hurt++;
    const o = oracleIndex(table, i);
    oracleCounts[o < 0 ? m : o]!++;
    const t = oracleTokens(table, i, table.options.unanswered);
    if (t !== undefined) {
      tokenSum += t;
      charged++;
    }
  }
  const results: ScaleResult[] = scales.map((scale, j) => ({
    scale,
    meanTokens: tokensAt[j]! / n,
    correct: correctAt[j]!,
    accuracy: correctAt[j]! / n,
  }));
  let bestFixed = results[0]!;
  for (const r of results) {
    if (r.accuracy > bestFixed.accuracy || (r.accuracy === bestFixed.accuracy && r.meanTokens < bestFixed.meanTokens)) bestFixed = r;
  }
  const unanswered = oracleCounts[m]!;
  return {
    samples: n,
    scales: results,
    bestFixed,
    oracle: {
      correct: n - unanswered,
      accuracy: (n - unanswered) / n,
      unanswered,
      meanTokens: charged === 0 ? null : tokenSum / charged,
    },
    oracleScales: oracleCounts.map((count, j) => ({ scale: j < m ? scales[j]! : null, count, share: count / n })),
    moreTokensHurt: {
      samples: hurt,
      share: hurt / n,
      steps: lost.map((l, j) => ({ from: scales[j]!, to: scales[j + 1]!, lost: l, gained: gained[j]! })),
    },
  };
}
