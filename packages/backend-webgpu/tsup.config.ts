import { fileURLToPath } from 'node:url';
import { defineConfig, type Options } from 'tsup';
import base from '../../tsup.config.base.js';

// Two builds of one source:
// - dist/index.{js,cjs} (+ .d.ts, .d.cts): Node and everything else; without navigator.gpu it
//   imports the optional peer `webgpu` (Dawn) for a device.
// - dist/browser/index.{js,cjs}: the `browser` export condition (Vite, webpack, esbuild, Rollup's
//   node-resolve with browser: true). ./src/device/dawn.ts is replaced by ./src/device/dawn.browser.ts,
//   so the bundle never mentions `webgpu` and a browser without WebGPU gets a clear
//   BACKEND_UNAVAILABLE reason instead of a bundler error. Both builds share the same types.
const dawnBrowser = fileURLToPath(new URL('./src/device/dawn.browser.ts', import.meta.url));

export default defineConfig([
  // Cleans dist/ except the browser build, which the second config writes at the same time.
  { ...(base as Options), clean: ['!browser/**'] },
  {
    ...(base as Options),
    entry: { index: 'src/index.ts' },
    outDir: 'dist/browser',
    platform: 'browser',
    dts: false,
    clean: true,
    esbuildPlugins: [
      {
        name: 'browser-without-dawn',
        setup(build) {
          build.onResolve({ filter: /[\\/]dawn\.js$/ }, () => ({ path: dawnBrowser }));
        },
      },
    ],
  },
]);
