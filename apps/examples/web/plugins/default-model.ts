import { serveOrEmit } from './serve-or-emit.js';

/** Where the page fetches the default encoder's ONNX graph. */
export const MODEL_URL = 'models/mobilenet_v2-block_13_expand_relu.onnx';

// Computed so the config bundler leaves it to Node: the package finds its weights relative to its
// own files, which would break if its code were inlined into Vite's temporary config bundle.
const ENCODERS = '@matryoshka/encoders';

async function builtModelBytes(): Promise<Uint8Array> {
  let encoders: typeof import('@matryoshka/encoders');
  try {
    encoders = (await import(/* @vite-ignore */ ENCODERS)) as typeof import('@matryoshka/encoders');
  } catch (cause) {
    throw new Error(`the web demo needs @matryoshka/encoders built (npm run build, or npm run web from the root): ${(cause as Error).message}`, { cause });
  }
  // defaultModel() converts the shipped Keras MobileNetV2 once and caches it on disk; the browser
  // cannot (the converter reads the package's files), so the page gets the finished bytes.
  return (await encoders.defaultModel()).bytes;
}

export const defaultModelAsset = (read: () => Promise<Uint8Array> = builtModelBytes) =>
  serveOrEmit('matryoshka:default-model', async () => [{ url: MODEL_URL, type: 'application/octet-stream', read }]);
