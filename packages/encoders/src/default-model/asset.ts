import { ErrorCode, MatryoshkaError } from '@matryoshka/core';
import { nodeFs, nodePath, nodeUrl } from '../node-modules.js';

// CJS builds have __dirname; ESM builds have import.meta.url (esbuild leaves it empty in CJS).
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
  const here = typeof __dirname === 'string' ? __dirname : (await nodeUrl()).fileURLToPath(new URL('.', import.meta.url));
  for (let dir = here, i = 0; i < 4; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'assets', 'mobilenet_v2');
    if (fs.existsSync(path.join(candidate, 'model.json'))) return candidate;
  }
  throw new MatryoshkaError(ErrorCode.BackendUnavailable, `the default encoder's files (assets/mobilenet_v2) were not found above ${here}; reinstall @matryoshka/encoders`);
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
