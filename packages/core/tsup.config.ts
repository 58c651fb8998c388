import { defineConfig } from 'tsup';
import base from '../../tsup.config.base.js';

// Two entries: the user's `@matryoshka/core` and the backend authors' `@matryoshka/core/backend`.
// Shared state (the registry, the error brand) is keyed by global symbols, so the two bundles
// (and the ESM and CJS copies) agree without sharing a chunk.
export default defineConfig({ ...(base as object), entry: { index: 'src/index.ts', backend: 'src/backend-kit/index.ts' } });
