import { ErrorCode, argumentError } from '@matryoshka/core';
import type { SampleTable } from './sample-table.js';

/** The table restricted to `rows` (in that order): for train / held-out splits. */
export function subsetTable(table: SampleTable, rows: readonly number[]): SampleTable {
  const m = table.scales.length;
  const correct = new Uint8Array(rows.length * m);
  const tokens = new Float64Array(rows.length * m);
  rows.forEach((i, r) => {
    if (!Number.isSafeInteger(i) || i < 0 || i >= table.ids.length)
      throw argumentError(ErrorCode.InvalidArgument, `rows[${r}]`, `no row ${i} in a table of ${table.ids.length}`);
    correct.set(table.correct.subarray(i * m, i * m + m), r * m);
    tokens.set(table.tokens.subarray(i * m, i * m + m), r * m);
  });
  return { ...table, ids: rows.map((i) => table.ids[i]!), groups: rows.map((i) => table.groups[i]!), correct, tokens };
}
