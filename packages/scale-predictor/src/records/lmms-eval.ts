import { ErrorCode, argumentError } from '@matryoshka/core';
import { describe, positiveInt } from '@matryoshka/core/backend';
import type { ScaleRecord } from './record.js';
import { parseJsonl } from './jsonl.js';

/** One lmms-eval run (`--log_samples`) at one scale. */
export interface LmmsEvalRun {
  /** The scale the run used (`matryoshka_vis_token_scale`). */
  readonly scale: number;
  /** The samples file: JSONL (one sample per line), or JSON `{ logs: [...] }` as older versions wrote. */
  readonly text: string;
  /** Where it came from, for messages. */
  readonly name?: string;
}

export interface LmmsEvalOptions {
  /**
   * The per-sample metric, as a dotted path into each sample (`exact_match`, `anls`,
   * `mme_percetion_score.score`). Booleans become `correct`, numbers `score`.
   */
  metric: string;
  /** The sample id. Default `doc_id`. */
  id?: string;
  /** Fields to copy as group fields, as dotted paths (`doc.question_type` → `question_type`). */
  groups?: readonly string[];
}

/** A dotted path through own properties only (`__proto__` or `constructor` never reach a prototype). */
const at = (value: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>((v, key) => (typeof v === 'object' && v !== null && Object.hasOwn(v, key) ? (v as Record<string, unknown>)[key] : undefined), value);

/** A whole-file JSON document (`{ logs }`, an array, one sample), else JSON Lines. */
function samplesOf(text: string, name: string): unknown[] {
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    return parseJsonl(text, name);
  }
  if (Array.isArray(whole)) return whole;
  const logs = (whole as { logs?: unknown } | null)?.logs;
  return Array.isArray(logs) ? logs : [whole];
}

/**
 * Records from lmms-eval's per-sample logs, one run per scale. Each logged sample is
 * `{ doc_id, doc, target, resps, filtered_resps, <metric>: value, … }`; the metric is read at
 * `options.metric` (a number is a graded score, judged by the analysis threshold).
 */
export function importLmmsEval(runs: readonly LmmsEvalRun[], options: LmmsEvalOptions): ScaleRecord[] {
  if (!Array.isArray(runs) || runs.length === 0) throw argumentError(ErrorCode.InvalidArgument, 'runs', `expected one run per scale, got ${describe(runs)}`);
  if (typeof options?.metric !== 'string' || options.metric === '') {
    throw argumentError(ErrorCode.InvalidArgument, 'options.metric', `expected the metric's field name (e.g. 'exact_match'), got ${describe(options?.metric)}`);
  }
  const idPath = options.id ?? 'doc_id';
  const groups = options.groups ?? [];
  const records: ScaleRecord[] = [];
  runs.forEach((run, r) => {
    const scale = positiveInt(run?.scale, `runs[${r}].scale`);
    const name = run.name ?? `runs[${r}]`;
    if (typeof run.text !== 'string')
      throw argumentError(ErrorCode.InvalidArgument, `runs[${r}].text`, `expected the samples file's text, got ${describe(run.text)}`);
    const samples = samplesOf(run.text, name);
    samples.forEach((sample, i) => {
      const id = at(sample, idPath);
      if (typeof id !== 'string' && typeof id !== 'number')
        throw argumentError(ErrorCode.InvalidArgument, `${name}[${i}].${idPath}`, `expected a sample id, got ${describe(id)}`);
      const value = at(sample, options.metric);
      const record = Object.create(null) as Record<string, unknown>;
      record.id = id;
      record.scale = scale;
      if (typeof value === 'boolean') record.correct = value;
      else if (typeof value === 'number' && Number.isFinite(value)) record.score = value;
      else throw argumentError(ErrorCode.InvalidArgument, `${name}[${i}].${options.metric}`, `expected a number or boolean metric, got ${describe(value)}`);
      for (const g of groups) {
        Object.defineProperty(record, g.split('.').at(-1)!, { value: at(sample, g) ?? null, enumerable: true, writable: true, configurable: true });
      }
      // A plain object again for callers (JSON output); defineProperty keeps `__proto__` a plain key.
      const plain: Record<string, unknown> = {};
      for (const key of Object.keys(record)) Object.defineProperty(plain, key, { value: record[key], enumerable: true, writable: true, configurable: true });
      records.push(plain as ScaleRecord);
    });
  });
  return records;
}
