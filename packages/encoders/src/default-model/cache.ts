import { ErrorCode, MatryoshkaError } from '@matryoshka/core';
import { nodeCrypto, nodeFs, nodeOs, nodePath } from '../node-modules.js';

/** What happened to the cache entry while loading. */
export type CacheStatus = 'hit' | 'built' | 'rebuilt' | 'disabled';

/** `$MATRYOSHKA_CACHE_DIR`, else `$XDG_CACHE_HOME/matryoshka`, else `~/.cache/matryoshka`. */
export async function defaultCacheDir(): Promise<string> {
  const path = await nodePath();
  const env = typeof process === 'undefined' ? {} : process.env;
  if (env.MATRYOSHKA_CACHE_DIR) return env.MATRYOSHKA_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || path.join((await nodeOs()).homedir(), '.cache');
  return path.join(base, 'matryoshka');
}

export async function sha256(...parts: (Uint8Array | string)[]): Promise<string> {
  const hash = (await nodeCrypto()).createHash('sha256');
  for (const p of parts) hash.update(p);
  return hash.digest('hex');
}

/**
 * Returns the bytes stored under `name` in `dir`, or builds, stores and returns them. Each entry
 * is `name` plus `name.sha256` holding the bytes' hash: an entry whose bytes do not match (a
 * truncated write, disk corruption, an edit) is rebuilt. Writes go to a temporary file renamed
 * into place, so concurrent processes never read half a file.
 */
export async function cached(dir: string, name: string, build: () => Uint8Array): Promise<{ bytes: Uint8Array; status: CacheStatus; file: string }> {
  const fs = await nodeFs();
  const path = await nodePath();
  const file = path.join(dir, name);
  let status: CacheStatus = 'built';
  if (fs.existsSync(file) || fs.existsSync(`${file}.sha256`)) {
    try {
      const [bytes, expected] = await Promise.all([fs.promises.readFile(file), fs.promises.readFile(`${file}.sha256`, 'utf8')]);
      if ((await sha256(bytes)) === expected.trim()) return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), status: 'hit', file };
    } catch {
      // unreadable: rebuilt below
    }
    status = 'rebuilt';
  }
  const bytes = build();
  try {
    await fs.promises.mkdir(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await fs.promises.writeFile(tmp, bytes);
    await fs.promises.writeFile(`${tmp}.sha256`, `${await sha256(bytes)}\n`);
    await fs.promises.rename(tmp, file);
    await fs.promises.rename(`${tmp}.sha256`, `${file}.sha256`);
  } catch (cause) {
    throw new MatryoshkaError(ErrorCode.InvalidArgument, `options.cacheDir: cannot write the converted model to ${dir} (${(cause as Error).message})`, {
      argument: 'options.cacheDir',
      cause,
    });
  }
  return { bytes, status, file };
}
