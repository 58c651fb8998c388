import { loadEncoder, type LoadedEncoder } from '@matryoshka/encoders';
import * as ort from 'onnxruntime-web/wasm';
import { DEFAULT_ENCODER_OPTIONS } from './encoder-options.js';

let opening: Promise<LoadedEncoder> | undefined;

/**
 * The default encoder on onnxruntime-web's wasm EP, opened once. `base` is where the build put
 * ORT's .wasm/.mjs (`ort/`) and the ONNX graph made in Node (see plugins/).
 */
export function openEncoder(base: URL, modelPath: string): Promise<LoadedEncoder> {
  opening ??= (async () => {
    ort.env.wasm.wasmPaths = new URL('ort/', base).href;
    // Threads need SharedArrayBuffer, i.e. a cross-origin-isolated page; otherwise ORT would warn and use 1.
    ort.env.wasm.numThreads = globalThis.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
    const response = await fetch(new URL(modelPath, base));
    if (!response.ok) throw new Error(`the encoder model ${modelPath}: HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    return loadEncoder(bytes, { ort, executionProviders: ['wasm'], ...DEFAULT_ENCODER_OPTIONS });
  })();
  opening.catch(() => (opening = undefined)); // a failed open is retried on the next image
  return opening;
}
