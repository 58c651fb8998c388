import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';

// The reference: TensorFlow.js layers running the same model files (its own uint8 dequantization,
// BatchNorm and padding), on the WebAssembly backend, loaded from memory (no network).
tf.enableProdMode();

let ready: Promise<void> | undefined;

export function tfjsReady(): Promise<void> {
  ready ??= (async () => {
    setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs-backend-wasm failed to initialize');
    await tf.ready();
  })();
  return ready;
}

/** The nsfwjs model for `size`×`size` input, cut at `layer` (the whole model when it is the last). */
export async function tfjsModel(layer: string, size: number): Promise<tfl.LayersModel> {
  await tfjsReady();
  const dir = new URL('../assets/mobilenet_v2/', import.meta.url);
  const json = JSON.parse(readFileSync(new URL('model.json', dir), 'utf8'));
  const weights = readFileSync(new URL('weights.bin', dir));
  const layers = json.modelTopology.model_config.config.layers;
  layers[0].config.batch_input_shape = [null, size, size, 3];
  const model = await tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
  const out = model.getLayer(layer).output as tfl.SymbolicTensor;
  return layer === model.outputs[0]!.sourceLayer.name ? model : tfl.model({ inputs: model.inputs, outputs: out });
}

/** Runs `model` on NHWC pixels and returns the output's values. */
export function tfjsRun(model: tfl.LayersModel, pixels: Float32Array, size: number, count = 1): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor4d(pixels, [count, size, size, 3])) as tf.Tensor).dataSync() as Float32Array);
}
