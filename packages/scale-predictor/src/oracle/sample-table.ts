import { ErrorCode, argumentError } from '@matryoshka/core';
import { checkRecord, type CheckedRecord } from '../records/record.js';
import { resolveOracleOptions, type OracleOptions, type ResolvedOracleOptions } from './options.js';

/**
 * Per-sample results at every scale, as dense arrays: the one shape the analysis, training and
 * evaluation all read. Row `i` is `ids[i]`; column `j` is `scales[j]` (ascending).
 */
export interface SampleTable {
  readonly ids: readonly string[];
  readonly scales: readonly number[];
  /** `correct[i * scales.length + j]` is 1 when sample i is right at scale j. */
  readonly correct: Uint8Array;
  /** Tokens sample i receives at scale j. */
  readonly tokens: Float64Array;
  /** Each sample's group values (`options.groupBy` fields), as strings. */
  readonly groups: readonly Readonly<Record<string, string>>[];
  readonly options: ResolvedOracleOptions;
  readonly counts: TableCounts;
}

export interface TableCounts {
  /** Records given. */
  readonly records: number;
  /** Exact repeats of an earlier record (same sample, scale and values), ignored. */
  readonly duplicates: number;
  /** Records at a scale outside `options.scales`, ignored. */
  readonly ignored: number;
  /** Samples dropped for a missing scale (`missing: 'drop'`). */
  readonly samplesDropped: number;
  /** Sample × scale cells without a record, counted incorrect (`missing: 'incorrect'`). */
  readonly missingCells: number;
}

const groupValue = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value ?? null));

/**
 * Validates records and arranges them by sample and scale. Exact duplicates are ignored and
 * counted; two records for one sample and scale that disagree (correctness, tokens, score) are an
 * error, and so is a sample whose group fields differ between scales.
 */
export function buildSampleTable(records: readonly unknown[], options?: OracleOptions): SampleTable {
  if (!Array.isArray(records)) {
    throw argumentError(ErrorCode.InvalidArgument, 'records', 'expected an array of records');
  }
  const o = resolveOracleOptions(options);
  const bySample = new Map<string, Map<number, CheckedRecord>>();
  let duplicates = 0;
  let ignored = 0;
  const seenScales = new Set<number>();
  records.forEach((value, index) => {
    const r = checkRecord(value, `records[${index}]`, o.threshold);
    if (o.scales !== undefined && !o.scales.includes(r.scale)) {
      ignored++;
      return;
    }
    seenScales.add(r.scale);
    let row = bySample.get(r.id);
    if (row === undefined) bySample.set(r.id, (row = new Map()));
    const earlier = row.get(r.scale);
    if (earlier === undefined) {
      row.set(r.scale, r);
      return;
    }
    if (earlier.correct !== r.correct || earlier.tokens !== r.tokens || earlier.score !== r.score) {
      throw argumentError(
        ErrorCode.InvalidArgument,
        r.where,
        `sample ${JSON.stringify(r.id)} at scale ${r.scale} conflicts with ${earlier.where} ` +
          `(correct ${earlier.correct} vs ${r.correct}, tokens ${earlier.tokens} vs ${r.tokens})`,
      );
    }
    duplicates++;
  });
  if (bySample.size === 0) {
    throw argumentError(ErrorCode.InvalidArgument, 'records', o.scales === undefined ? 'no records' : `no records at scales ${o.scales.join(', ')}`);
  }
  const scales = o.scales ?? [...seenScales].sort((a, b) => a - b);
  const m = scales.length;

  const ids: string[] = [];
  const rows: (CheckedRecord | undefined)[][] = [];
  let samplesDropped = 0;
  let missingCells = 0;
  for (const [id, row] of bySample) {
    const cells = scales.map((s) => row.get(s));
    const absent = scales.filter((_, j) => cells[j] === undefined);
    if (absent.length > 0) {
      if (o.missing === 'error') {
        const some = cells.find((c) => c !== undefined)!;
        throw argumentError(
          ErrorCode.InvalidArgument,
          'records',
          `sample ${JSON.stringify(id)} (first seen at ${some.where}) has no record at scale ${absent.join(', ')}; ` +
            `pass options.missing = 'drop' or 'incorrect' to go on`,
        );
      }
      if (o.missing === 'drop') {
        samplesDropped++;
        continue;
      }
      missingCells += absent.length;
    }
    ids.push(id);
    rows.push(cells);
  }
  if (ids.length === 0) {
    throw argumentError(ErrorCode.InvalidArgument, 'records', 'every sample lacks a scale and was dropped');
  }

  const correct = new Uint8Array(ids.length * m);
  const tokens = new Float64Array(ids.length * m);
  const groups: Record<string, string>[] = [];
  rows.forEach((cells, i) => {
    // Null prototype: a group field named `__proto__` or `constructor` is a plain key.
    const g = Object.create(null) as Record<string, string>;
    for (const field of o.groupBy) {
      let value: string | undefined;
      for (const c of cells) {
        if (c === undefined) continue;
        const v = groupValue(c.fields[field]);
        if (value !== undefined && v !== value) {
          throw argumentError(
            ErrorCode.InvalidArgument,
            `${c.where}.${field}`,
            `sample ${JSON.stringify(ids[i])} has ${field} ${value} at one scale and ${v} at another`,
          );
        }
        value = v;
      }
      g[field] = value!;
    }
    groups.push(g);
    cells.forEach((c, j) => {
      correct[i * m + j] = c?.correct === true ? 1 : 0;
      tokens[i * m + j] = c?.tokens ?? scales[j]!;
    });
  });
  return {
    ids,
    scales,
    correct,
    tokens,
    groups,
    // Report the scales actually analysed, not just the ones asked for.
    options: { ...o, scales },
    counts: { records: records.length, duplicates, ignored, samplesDropped, missingCells },
  };
}
