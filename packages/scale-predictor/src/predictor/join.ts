import { ErrorCode, argumentError, describe } from '@matryoshka/core';
import type { SampleTable } from '../oracle/sample-table.js';

/** One line of a features file: a sample id and its predictor input (see `coarseFeatures`). */
export interface FeatureRecord {
  readonly id: string | number;
  readonly features: readonly number[];
}

/**
 * The feature vector of every row of `table`, from feature records keyed by sample id. Every
 * sample needs one, all of one length; duplicate ids must agree.
 */
export function joinFeatures(table: SampleTable, records: readonly unknown[]): Float32Array[] {
  if (!Array.isArray(records)) throw argumentError(ErrorCode.InvalidArgument, 'features', `expected an array of { id, features }, got ${describe(records)}`);
  const byId = new Map<string, Float32Array>();
  let size: number | undefined;
  records.forEach((value, i) => {
    const r = value as Partial<FeatureRecord> | null;
    const where = `features[${i}]`;
    if (typeof r !== 'object' || r === null || (typeof r.id !== 'string' && typeof r.id !== 'number')) {
      throw argumentError(ErrorCode.InvalidArgument, where, `expected { id, features }, got ${describe(value)}`);
    }
    if (!Array.isArray(r.features) || r.features.length === 0 || !r.features.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw argumentError(ErrorCode.InvalidArgument, `${where}.features`, `expected a non-empty array of finite numbers, got ${describe(r.features)}`);
    }
    size ??= r.features.length;
    if (r.features.length !== size)
      throw argumentError(ErrorCode.ShapeMismatch, `${where}.features`, `expected ${size} features like the first record, got ${r.features.length}`);
    const id = String(r.id);
    const vector = Float32Array.from(r.features);
    const earlier = byId.get(id);
    if (earlier?.some((x, k) => x !== vector[k])) {
      throw argumentError(ErrorCode.InvalidArgument, where, `sample ${JSON.stringify(id)} has two different feature vectors`);
    }
    byId.set(id, vector);
  });
  const missing = table.ids.filter((id) => !byId.has(id));
  if (missing.length > 0) {
    const shown = missing
      .slice(0, 5)
      .map((id) => JSON.stringify(id))
      .join(', ');
    throw argumentError(ErrorCode.InvalidArgument, 'features', `no features for ${missing.length} sample(s): ${shown}${missing.length > 5 ? ', …' : ''}`);
  }
  return table.ids.map((id) => byId.get(id)!);
}
