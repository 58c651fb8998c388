import { ErrorCode, argumentError } from '@matryoshka/core';

/** The parts of a TensorFlow.js layers-model file (`model.json`) the converter reads. */
export interface KerasLayer {
  readonly name: string;
  readonly class_name: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** `[[[inboundLayer, nodeIndex, tensorIndex, kwargs], …]]`: one call of the layer. */
  readonly inbound_nodes: readonly (readonly (readonly [string, number, number, unknown?])[])[];
}

interface WeightEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly quantization?: { readonly min: number; readonly scale: number; readonly dtype: string };
}

export interface KerasModelFile {
  readonly modelTopology: { readonly model_config: { readonly config: { readonly layers: readonly KerasLayer[] } } };
  readonly weightsManifest: readonly { readonly paths: readonly string[]; readonly weights: readonly WeightEntry[] }[];
}

export interface KerasModel {
  readonly layers: readonly KerasLayer[];
  /** Dequantized float32 weights by name (`block_1_expand/kernel`), in Keras layouts. */
  readonly weights: ReadonlyMap<string, { readonly shape: readonly number[]; readonly data: Float32Array }>;
}

function invalid(argument: string, message: string): never {
  throw argumentError(ErrorCode.InvalidArgument, argument, message);
}

/**
 * Parses the topology and dequantizes the uint8 weights the way TensorFlow.js does
 * (`q * scale + min`, stored as float32), so the converted graph starts from the same numbers.
 */
export function readKerasModel(json: string, weights: Uint8Array, argument: string): KerasModel {
  let file: KerasModelFile;
  try {
    file = JSON.parse(json) as KerasModelFile;
  } catch (cause) {
    invalid(`${argument}/model.json`, `not valid JSON (${(cause as Error).message})`);
  }
  const layers = file?.modelTopology?.model_config?.config?.layers;
  const entries = file?.weightsManifest?.flatMap((g) => g.weights);
  if (!Array.isArray(layers) || !Array.isArray(entries)) invalid(`${argument}/model.json`, 'expected a Keras layers model with a weights manifest');
  const map = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  let offset = 0;
  for (const w of entries) {
    const count = w.shape.reduce((a, b) => a * b, 1);
    if (w.quantization?.dtype !== 'uint8') invalid(`${argument}/model.json`, `weight ${w.name}: only uint8-quantized weights are supported`);
    if (offset + count > weights.length) break;
    const data = new Float32Array(count);
    const { min, scale } = w.quantization;
    for (let i = 0; i < count; i++) data[i] = weights[offset + i]! * scale + min;
    map.set(w.name, { shape: w.shape, data });
    offset += count;
  }
  if (offset !== weights.length || map.size !== entries.length) {
    throw argumentError(
      ErrorCode.ShapeMismatch,
      `${argument}/weights.bin`,
      `the manifest describes ${entries.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0)} bytes of weights, the file has ${weights.length}`,
    );
  }
  return { layers, weights: map };
}
