import { ErrorCode, type MatryoshkaError, argumentError, describe } from '@matryoshka/core';
import { FEATURE_KINDS, type FeatureKind } from './features.js';
import { ScalePredictor, type Activation, type DenseLayer } from './model.js';
import { descendingScales } from './order.js';

/** The `format` field of every predictor file. */
export const PREDICTOR_FORMAT = 'matryoshka-scale-predictor';
/**
 * Bumped whenever a field changes meaning. Version 2: scales (and the output units) descend,
 * 576 → 1, like a pyramid's levels. Version 1 files (ascending) still load, converted; any other
 * version is refused, not guessed at.
 */
export const PREDICTOR_VERSION = 2;

/** A predictor as JSON: everything `ScalePredictor` needs, plus how it was trained. */
export interface PredictorFile {
  readonly format: typeof PREDICTOR_FORMAT;
  readonly version: typeof PREDICTOR_VERSION;
  readonly scales: number[];
  readonly tokens: number[];
  readonly featureSize: number;
  readonly featureMean: number[];
  readonly featureStd: number[];
  readonly layers: { inputs: number; outputs: number; activation: Activation; weights: number[]; bias: number[] }[];
  /** Which function makes the input (`predictorInput`); absent in older files, which are `coarse`. */
  readonly input?: FeatureKind;
  /** Free-form provenance (seed, epochs, losses…); not read back. */
  readonly training?: Readonly<Record<string, unknown>>;
}

/** The predictor as a JSON string (float32 values written exactly: they read back bit for bit). */
export function savePredictor(predictor: ScalePredictor, training?: Record<string, unknown>): string {
  // Structural, not instanceof: the CJS builds of the main entry and `/train` each hold a copy of the class.
  if (typeof predictor !== 'object' || predictor === null || !Array.isArray(predictor.params?.layers)) {
    throw argumentError(ErrorCode.InvalidArgument, 'predictor', `expected a ScalePredictor, got ${describe(predictor)}`);
  }
  const p = predictor.params;
  // A file must load back: non-finite values (a diverged training) are refused here, not at load time.
  const finite = (values: ArrayLike<number>, where: string): void => {
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) throw argumentError(ErrorCode.NonFiniteValue, `${where}[${i}]`, `the predictor holds ${values[i]}; it cannot be saved`);
    }
  };
  finite(p.featureMean, 'predictor.featureMean');
  finite(p.featureStd, 'predictor.featureStd');
  p.layers.forEach((l, i) => {
    finite(l.weights, `predictor.layers[${i}].weights`);
    finite(l.bias, `predictor.layers[${i}].bias`);
  });
  const file: PredictorFile = {
    format: PREDICTOR_FORMAT,
    version: PREDICTOR_VERSION,
    scales: [...p.scales],
    tokens: [...p.tokens],
    featureSize: predictor.featureSize,
    featureMean: Array.from(p.featureMean),
    featureStd: Array.from(p.featureStd),
    layers: p.layers.map((l) => ({ inputs: l.inputs, outputs: l.outputs, activation: l.activation, weights: Array.from(l.weights), bias: Array.from(l.bias) })),
    ...(p.input === undefined || p.input === 'coarse' ? {} : { input: p.input }),
    ...(training === undefined ? {} : { training }),
  };
  return JSON.stringify(file);
}

const bad = (path: string, message: string): MatryoshkaError => argumentError(ErrorCode.InvalidArgument, path, message);

function numbers(value: unknown, length: number, path: string, check: (v: number) => boolean = Number.isFinite): Float32Array {
  if (!Array.isArray(value) || value.length !== length) throw bad(path, `expected ${length} numbers, got ${describe(value)}`);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const v = value[i] as unknown;
    if (typeof v !== 'number' || !check(v)) throw bad(`${path}[${i}]`, `invalid value ${describe(v)}`);
    out[i] = v;
  }
  return out;
}

function counts(value: unknown, path: string): number[] {
  if (!Array.isArray(value) || value.length === 0) throw bad(path, `expected a non-empty array, got ${describe(value)}`);
  return value.map((v: unknown, i) => {
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw bad(`${path}[${i}]`, `expected a positive number, got ${describe(v)}`);
    return v;
  });
}

/**
 * Reads a predictor from its JSON text (or the parsed object); a version 1 file (ascending
 * scales) comes back descending, its predictions the same numbers reordered. Checks the format and version
 * first, then every shape and value: a corrupt or foreign file is an `INVALID_ARGUMENT` error
 * naming the field at fault (`predictor.layers[1].weights[7]`), never a predictor that returns NaN.
 */
export function loadPredictor(json: string | object): ScalePredictor {
  let file: unknown = json;
  if (typeof json === 'string') {
    try {
      file = JSON.parse(json);
    } catch (error) {
      throw bad('predictor', `not a predictor file: invalid JSON (${(error as Error).message})`);
    }
  }
  if (typeof file !== 'object' || file === null || Array.isArray(file)) throw bad('predictor', `expected a predictor object, got ${describe(file)}`);
  const f = file as Record<string, unknown>;
  if (f.format !== PREDICTOR_FORMAT) throw bad('predictor.format', `not a predictor file: expected format '${PREDICTOR_FORMAT}', got ${describe(f.format)}`);
  if (f.version !== PREDICTOR_VERSION && f.version !== 1) {
    throw bad(
      'predictor.version',
      `this package reads predictor files of version ${PREDICTOR_VERSION} (and converts version 1), got ${describe(f.version)}; retrain or use a matching version of @matryoshka/scale-predictor`,
    );
  }
  const legacy = f.version === 1;
  const scales = counts(f.scales, 'predictor.scales');
  if (scales.some((s, i) => !Number.isSafeInteger(s) || (i > 0 && (legacy ? s <= scales[i - 1]! : s >= scales[i - 1]!))))
    throw bad('predictor.scales', `expected ${legacy ? 'ascending (version 1)' : 'descending'} integer token counts, got ${scales.join(', ')}`);
  const tokens = counts(f.tokens, 'predictor.tokens');
  if (tokens.length !== scales.length) throw bad('predictor.tokens', `expected ${scales.length} values (one per scale), got ${tokens.length}`);
  const size = f.featureSize;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1)
    throw bad('predictor.featureSize', `expected a positive integer, got ${describe(size)}`);
  const featureMean = numbers(f.featureMean, size, 'predictor.featureMean');
  const featureStd = numbers(f.featureStd, size, 'predictor.featureStd', (v) => v > 0 && Number.isFinite(v));
  if (!Array.isArray(f.layers) || f.layers.length === 0) throw bad('predictor.layers', `expected a non-empty array, got ${describe(f.layers)}`);
  let inputs = size;
  const layers: DenseLayer[] = f.layers.map((value: unknown, i, all) => {
    const path = `predictor.layers[${i}]`;
    const l = value as Record<string, unknown> | null;
    if (typeof l !== 'object' || l === null) throw bad(path, `expected a layer object, got ${describe(l)}`);
    const last = i === all.length - 1;
    if (l.inputs !== inputs) throw bad(`${path}.inputs`, `expected ${inputs}, got ${describe(l.inputs)}`);
    const outputs = last ? scales.length : l.outputs;
    if (l.outputs !== outputs || typeof outputs !== 'number' || !Number.isSafeInteger(outputs) || outputs < 1) {
      throw bad(`${path}.outputs`, `expected ${last ? `${scales.length} (one per scale)` : 'a positive integer'}, got ${describe(l.outputs)}`);
    }
    const activation = last ? 'sigmoid' : 'relu';
    if (l.activation !== activation) throw bad(`${path}.activation`, `expected '${activation}', got ${describe(l.activation)}`);
    const layer = {
      inputs,
      outputs,
      activation,
      weights: numbers(l.weights, inputs * outputs, `${path}.weights`),
      bias: numbers(l.bias, outputs, `${path}.bias`),
    } as const;
    inputs = outputs;
    return layer;
  });
  if (f.input !== undefined && !FEATURE_KINDS.includes(f.input as FeatureKind))
    throw bad('predictor.input', `expected one of ${FEATURE_KINDS.join(', ')}, got ${describe(f.input)}`);
  const params = { scales, tokens, featureMean, featureStd, layers, ...(f.input === undefined ? {} : { input: f.input as FeatureKind }) };
  // Version 1 listed scales ascending: the same predictor, its output units reordered to 576 → 1.
  return new ScalePredictor(legacy ? descendingScales(params) : params);
}
