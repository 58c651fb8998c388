import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig } from 'vite';
import { defaultModelAsset } from './plugins/default-model.js';
import { mosaicQaAssets } from './plugins/mosaic-qa.js';
import { ortWasmAssets, ortWasmEntry } from './plugins/ort-wasm.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export interface WebConfigOptions {
  /** Default `web/dist`. */
  outDir?: string;
  /** Where the mosaic-QA predictor and samples are read from (default `models/mosaic-qa`). */
  mosaicQaDir?: string;
  /** Extra module aliases (the test points `@matryoshka/*` at their sources, as every test does). */
  aliases?: Readonly<Record<string, string>>;
  /** The default encoder's ONNX bytes (default: `defaultModel()` from the built @matryoshka/encoders). */
  modelBytes?: () => Promise<Uint8Array>;
}

/** The demo's Vite config; the test builds it with its own output folder and predictor files. */
export function webConfig(options: WebConfigOptions = {}): UserConfig {
  const stub = here('./plugins/node-only-stub.ts');
  return {
    root: here('.'),
    base: './',
    clearScreen: false,
    resolve: {
      alias: [
        ...Object.entries(options.aliases ?? {}).map(([find, replacement]) => ({ find, replacement })),
        { find: /^onnxruntime-web\/wasm$/, replacement: ortWasmEntry },
        // Node-only imports the libraries make lazily (Dawn, pngjs, the model cache's fs/os/crypto).
        { find: /^(webgpu|pngjs|(node:)?(fs|path|os|url|crypto))$/, replacement: stub },
      ],
    },
    plugins: [ortWasmAssets(), defaultModelAsset(options.modelBytes), mosaicQaAssets(options.mosaicQaDir ?? here('../models/mosaic-qa'))],
    build: { outDir: options.outDir ?? here('dist'), emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1024 },
    server: { host: 'localhost', port: 5173 },
    preview: { host: 'localhost', port: 4173 },
  };
}

export default defineConfig(webConfig());
