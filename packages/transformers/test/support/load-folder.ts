import { dirname, basename } from 'node:path';
import { AutoModelForImageTextToText, AutoProcessor, AutoTokenizer, RawImage, env } from '@huggingface/transformers';

/** Network requests transformers.js attempted since `blockNetwork()`; a test asserts this stays empty. */
export const networkAttempts: string[] = [];

/**
 * Makes transformers.js purely local: no remote models, no file cache, and every non-file fetch
 * (through `env.fetch` or `globalThis.fetch`) recorded and rejected, so a hidden download fails.
 */
export function blockNetwork(): void {
  const reject = (input: unknown): Promise<never> => {
    const url = String(input instanceof Request ? input.url : input);
    if (!url.startsWith('file:')) {
      networkAttempts.push(url);
      return Promise.reject(new Error(`network request attempted: ${url}`));
    }
    return Promise.reject(new Error(`unexpected fetch of a file URL: ${url}`));
  };
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.useFSCache = false;
  env.fetch = reject;
  globalThis.fetch = reject as typeof fetch;
}

// Loosely typed: these tests drive transformers.js's public runtime API, whose declared types
// do not cover the llava forward inputs.
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface LoadedVlm {
  readonly model: any;
  readonly tokenizer: any;
  /** A LlavaProcessor for llava folders, a bare Processor (image processor only) for llava_onevision. */
  readonly processor: any;
}

/** Loads a generated folder with local files only (call `blockNetwork()` first). */
export async function loadVlm(dir: string): Promise<LoadedVlm> {
  env.localModelPath = `${dirname(dir)}/`;
  const name = basename(dir);
  const options = { local_files_only: true } as const;
  const [model, tokenizer, processor] = await Promise.all([
    AutoModelForImageTextToText.from_pretrained(name, { ...options, device: 'cpu', dtype: 'fp32' }),
    AutoTokenizer.from_pretrained(name, options),
    AutoProcessor.from_pretrained(name, options),
  ]);
  return { model, tokenizer, processor };
}

/** A deterministic RGB test picture (smooth gradients and stripes), `width × height`. */
export function testImage(width: number, height: number, seed = 0): RawImage {
  const data = new Uint8ClampedArray(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 255) / width + seed * 37;
      data[i + 1] = (y * 255) / height;
      data[i + 2] = ((x + y + seed * 11) % 32) * 8;
    }
  }
  return new RawImage(data, width, height, 3);
}
