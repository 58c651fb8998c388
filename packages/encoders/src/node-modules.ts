import { ErrorCode, MatryoshkaError } from '@matryoshka/core';

// Node built-ins are imported lazily, so the package loads in browsers as long as no file
// path, disk cache or the built-in default model is used there.

async function load<T>(module: () => Promise<T>, what: string): Promise<T> {
  try {
    return await module();
  } catch (cause) {
    throw new MatryoshkaError(ErrorCode.BackendUnavailable, `${what} needs Node.js; in a browser pass bytes or pixels instead`, { cause });
  }
}

type Fs = typeof import('node:fs');
type Path = typeof import('node:path');
type Url = typeof import('node:url');
type Os = typeof import('node:os');
type Crypto = typeof import('node:crypto');

export const nodeFs = (): Promise<Fs> => load(() => import('node:fs'), 'reading files');
export const nodePath = (): Promise<Path> => load(() => import('node:path'), 'reading files');
export const nodeUrl = (): Promise<Url> => load(() => import('node:url'), 'reading files');
export const nodeOs = (): Promise<Os> => load(() => import('node:os'), 'the model cache');
export const nodeCrypto = (): Promise<Crypto> => load(() => import('node:crypto'), 'the model cache');
