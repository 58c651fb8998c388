import { readRegularFile } from '../io/read-file.js';
import { nodeCrypto, nodeFs, nodeOs, nodePath } from '../node-modules.js';

/** What happened to the cache entry while loading. */
/** `unwritable`: the folder could not be written, so the graph was converted in memory (one warning). */
export type CacheStatus = 'hit' | 'built' | 'rebuilt' | 'disabled' | 'unwritable';

/** `$MATRYOSHKA_CACHE_DIR`, else `$XDG_CACHE_HOME/matryoshka`, else `~/.cache/matryoshka`. */
export async function defaultCacheDir(): Promise<string> {
  return (await defaultCacheLocation()).path;
}

/** The default folder and which setting chose it. */
export async function defaultCacheLocation(): Promise<CacheDir> {
  const path = await nodePath();
  const env = typeof process === 'undefined' ? {} : process.env;
  if (env.MATRYOSHKA_CACHE_DIR) return { path: env.MATRYOSHKA_CACHE_DIR, source: '$MATRYOSHKA_CACHE_DIR' };
  if (env.XDG_CACHE_HOME) return { path: path.join(env.XDG_CACHE_HOME, 'matryoshka'), source: '$XDG_CACHE_HOME' };
  return { path: path.join((await nodeOs()).homedir(), '.cache', 'matryoshka'), source: 'the default cache folder' };
}

export async function sha256(...parts: (Uint8Array | string)[]): Promise<string> {
  const hash = (await nodeCrypto()).createHash('sha256');
  for (const p of parts) hash.update(p);
  return hash.digest('hex');
}

/** Where the cache folder came from, so messages name what the caller actually set. */
export interface CacheDir {
  readonly path: string;
  /** `options.cacheDir`, `$MATRYOSHKA_CACHE_DIR`, `$XDG_CACHE_HOME`, or the default folder. */
  readonly source: string;
}

/** Cache entries are never larger than this (the default encoder's graph is ~10 MB). */
const MAX_ENTRY_BYTES = 512 * 2 ** 20;
const warned = new Set<string>();

/**
 * Returns the bytes stored under `name` in `dir`, or builds, stores and returns them. Each entry
 * is `name` plus `name.sha256` holding the bytes' hash: an entry whose bytes do not match (a
 * truncated write, disk corruption, an edit) or that is not a regular file (a FIFO planted in
 * its place) is rebuilt. Writes go to a temporary file with a unique name (process id and a
 * random UUID: concurrent loads in one process never collide) renamed into place, so readers
 * never see half a file. A folder that cannot be written (a read-only home) is not an error:
 * the bytes are used from memory, with one process warning per folder naming where it came from.
 */
export async function cached(dir: CacheDir, name: string, build: () => Uint8Array): Promise<{ bytes: Uint8Array; status: CacheStatus; file?: string }> {
  const fs = await nodeFs();
  const path = await nodePath();
  const file = path.join(dir.path, name);
  let status: CacheStatus = 'built';
  if (fs.existsSync(file) || fs.existsSync(`${file}.sha256`)) {
    try {
      const limit = { maxBytes: MAX_ENTRY_BYTES, option: 'the cache entry size' };
      const [bytes, expected] = await Promise.all([
        readRegularFile(file, limit, dir.source, 'the cache entry'),
        readRegularFile(`${file}.sha256`, limit, dir.source, 'the cache entry'),
      ]);
      if ((await sha256(bytes)) === new TextDecoder().decode(expected).trim()) return { bytes, status: 'hit', file };
    } catch {
      // unreadable, not a regular file, or too large: rebuilt below
    }
    status = 'rebuilt';
  }
  const bytes = build();
  const tmp = `${file}.${process.pid}.${(await nodeCrypto()).randomUUID()}.tmp`;
  try {
    await fs.promises.mkdir(dir.path, { recursive: true });
    await fs.promises.writeFile(tmp, bytes);
    await fs.promises.writeFile(`${tmp}.sha256`, `${await sha256(bytes)}\n`);
    await fs.promises.rename(tmp, file);
    await fs.promises.rename(`${tmp}.sha256`, `${file}.sha256`);
  } catch (cause) {
    await Promise.all([fs.promises.rm(tmp, { force: true }), fs.promises.rm(`${tmp}.sha256`, { force: true })]).catch(() => undefined);
    if (!warned.has(dir.path) && typeof process !== 'undefined' && typeof process.emitWarning === 'function') {
      warned.add(dir.path);
      process.emitWarning(
        `cannot write the converted default encoder to ${dir.path} (${dir.source}): ${(cause as Error)?.message ?? String(cause)}; converting in memory instead (set ${dir.source === 'options.cacheDir' ? 'options.cacheDir' : 'options.cacheDir or MATRYOSHKA_CACHE_DIR'} to a writable folder, or cacheDir: false to silence this)`,
        { code: 'MATRYOSHKA_CACHE_UNWRITABLE' },
      );
    }
    return { bytes, status: 'unwritable' };
  }
  return { bytes, status, file };
}
