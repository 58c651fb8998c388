import { ErrorCode, argumentError } from '@matryoshka/core';
import { describe } from '@matryoshka/core/backend';
import type { OracleOptions, ResolvedOracleOptions } from './options.js';
import { buildSampleTable, type SampleTable, type TableCounts } from './sample-table.js';
import { summarize, type Summary } from './summary.js';

/** The figures of one group (`field` = `value`), e.g. `type` = `ocr`. */
export interface GroupSummary extends Summary {
  readonly field: string;
  readonly value: string;
}

export interface OracleAnalysis extends Summary {
  /** The choices every figure depends on, reported with it. */
  readonly options: ResolvedOracleOptions;
  readonly counts: TableCounts;
  /** Per group field, per value (in order of first appearance). */
  readonly groups: readonly GroupSummary[];
}

/**
 * The oracle analysis of per-sample, per-scale results (PAPER.md, Sec. 4.2): accuracy per
 * scale, the oracle (smallest correct scale per sample), the distribution of oracle scales, how
 * often more tokens hurt, and the same per group. Accepts records or a table already built.
 */
export function analyzeOracle(records: readonly unknown[] | SampleTable, options?: OracleOptions): OracleAnalysis {
  const table = Array.isArray(records) ? buildSampleTable(records, options) : checkTable(records);
  const all = table.ids.map((_, i) => i);
  const groups: GroupSummary[] = [];
  for (const field of table.options.groupBy) {
    const members = new Map<string, number[]>();
    table.groups.forEach((g, i) => {
      const v = g[field]!;
      let list = members.get(v);
      if (list === undefined) members.set(v, (list = []));
      list.push(i);
    });
    for (const [value, rows] of members) groups.push({ field, value, ...summarize(table, rows) });
  }
  return { options: table.options, counts: table.counts, ...summarize(table, all), groups };
}

function checkTable(value: unknown): SampleTable {
  const t = value as Partial<SampleTable> | null;
  if (typeof t !== 'object' || t === null || !Array.isArray(t.ids) || !(t.correct instanceof Uint8Array) || !(t.tokens instanceof Float64Array)) {
    throw argumentError(ErrorCode.InvalidArgument, 'records', `expected an array of records or a table from buildSampleTable, got ${describe(value)}`);
  }
  return t as SampleTable;
}
