import { defineConfig } from 'tsup';

/** Every published package builds the same way: one entry, ESM + CJS + types per format. */
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  treeshake: true,
});
