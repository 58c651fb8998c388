import { ErrorCode, MatryoshkaError } from '@matryoshka/core';
import { nodeFs, nodePath, nodeUrl } from '../node-modules.js';

// ESM builds have import.meta.url; CJS builds have __dirname (esbuild leaves import.meta empty
// there). The ESM check comes first: a global __dirname (node -e, some bundlers) must not win.
declare const __dirname: string | undefined;

export interface ModelAsset {
  readonly json: string;
  readonly weights: Uint8Array;
  /** Where it was read from (for messages). */
  readonly dir: string;
}

/** `assets/mobilenet_v2`, found from this module's folder: `dist/` when built, `src/default-model/` in tests. */
async function assetDir(): Promise<string> {
  const fs = await nodeFs();
  const path = await nodePath();
  const metaUrl = (import.meta as { url?: unknown }).url;
  const here =
    typeof metaUrl === 'string' && metaUrl.startsWith('file:')
      ? (await nodeUrl()).fileURLToPath(new URL('.', metaUrl))
      : typeof __dirname === 'string'
        ? __dirname
        : '.';
  for (let dir = here, i = 0; i < 4; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'assets', 'mobilenet_v2');
    if (fs.existsSync(path.join(candidate, 'model.json'))) return candidate;
  }
  throw new MatryoshkaError(
    ErrorCode.BackendUnavailable,
    `the default encoder's files (assets/mobilenet_v2) were not found above ${here}; reinstall @matryoshka/encoders`,
  );
}

/** Reads the shipped MobileNetV2 topology and uint8 weights (Node only). */
export async function readModelAsset(dir?: string): Promise<ModelAsset> {
  const fs = await nodeFs();
  const path = await nodePath();
  const folder = dir ?? (await assetDir());
  const [json, weights] = await Promise.all([
    fs.promises.readFile(path.join(folder, 'model.json'), 'utf8'),
    fs.promises.readFile(path.join(folder, 'weights.bin')),
  ]);
  return { json, weights: new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength), dir: folder };
}
