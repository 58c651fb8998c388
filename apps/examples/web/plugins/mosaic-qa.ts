import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { serveOrEmit, type RuntimeAsset } from './serve-or-emit.js';

/**
 * Copies the mosaic-QA study's predictor and samples (`predictor.json`, `samples.json`, their PNG
 * mosaics) to `mosaic-qa/` when the folder holds them; when it does not, nothing is served and the
 * page says the predictor is not available. `mosaic-qa/manifest.json` (always there) lists what was
 * found, so the page need not probe for missing files.
 */
export function mosaicQaAssets(dir: string) {
  return serveOrEmit('matryoshka:mosaic-qa', async (): Promise<RuntimeAsset[]> => {
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n === 'predictor.json' || n === 'samples.json' || n.endsWith('.png'));
    const manifest = new TextEncoder().encode(JSON.stringify({ files: names }));
    return [
      { url: 'mosaic-qa/manifest.json', type: 'application/json', read: async () => manifest },
      ...names.map((n) => ({
        url: `mosaic-qa/${n}`,
        type: n.endsWith('.png') ? 'image/png' : 'application/json',
        read: async () => new Uint8Array(await readFile(path.join(dir, n))),
      })),
    ];
  });
}
