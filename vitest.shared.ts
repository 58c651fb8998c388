import { fileURLToPath } from 'node:url';

// Tests import workspace packages from source, so `npm test` needs no build first
// and a failing assertion points at TypeScript, not at dist/.
export const sourceAliases = {
  '@matryoshka/core/backend': fileURLToPath(new URL('./packages/core/src/backend-kit/index.ts', import.meta.url)),
  '@matryoshka/core': fileURLToPath(new URL('./packages/core/src/index.ts', import.meta.url)),
  '@matryoshka/pooling': fileURLToPath(new URL('./packages/pooling/src/index.ts', import.meta.url)),
  '@matryoshka/backend-webgpu': fileURLToPath(new URL('./packages/backend-webgpu/src/index.ts', import.meta.url)),
  '@matryoshka/backend-cuda': fileURLToPath(new URL('./packages/backend-cuda/src/index.ts', import.meta.url)),
  '@matryoshka/encoders': fileURLToPath(new URL('./packages/encoders/src/index.ts', import.meta.url)),
  // Subpaths before their package: the first matching alias wins.
  '@matryoshka/transformers/testing': fileURLToPath(new URL('./packages/transformers/src/testing/index.ts', import.meta.url)),
  '@matryoshka/transformers': fileURLToPath(new URL('./packages/transformers/src/index.ts', import.meta.url)),
  '@matryoshka/scale-predictor/train': fileURLToPath(new URL('./packages/scale-predictor/src/train.ts', import.meta.url)),
  '@matryoshka/scale-predictor': fileURLToPath(new URL('./packages/scale-predictor/src/index.ts', import.meta.url)),
  // The private test helpers: the folder, so each subpath (`@matryoshka/testing/conformance`) maps to its source.
  '@matryoshka/testing': fileURLToPath(new URL('./testing', import.meta.url)),
};
