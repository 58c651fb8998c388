import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveVlmSpec, writeVlmFolder, type VlmFolderInfo, type VlmSpec } from '../src/testing/index.js';

const MARKER = 'bench-folder.json';

/** A hash of the spec and the writer's source, so a changed graph or weight rule regenerates. */
async function folderKey(spec: VlmSpec): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify(resolveVlmSpec(spec)));
  const source = join(import.meta.dirname, '..', 'src', 'testing');
  for (const name of (await readdir(source)).filter((n) => n.endsWith('.ts')).sort()) {
    hash.update(name).update(await readFile(join(source, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The bench folder for `spec` under `cacheDir/<hash>`, written on first use (a few GB, tens of
 * seconds) and reused while the spec and the writer are unchanged. A folder without its marker
 * (an interrupted write) is rewritten.
 */
export async function benchFolder(cacheDir: string, spec: VlmSpec, log: (line: string) => void): Promise<VlmFolderInfo> {
  const dir = join(cacheDir, await folderKey(spec));
  const marker = join(dir, MARKER);
  if (existsSync(marker)) return JSON.parse(await readFile(marker, 'utf8')) as VlmFolderInfo;
  await rm(dir, { recursive: true, force: true });
  const started = performance.now();
  log(`writing ${dir} …`);
  const info = await writeVlmFolder(dir, spec);
  const bytes = Object.values(info.files).reduce((a, b) => a + b, 0);
  log(`  ${(bytes / 2 ** 30).toFixed(2)} GiB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await writeFile(marker, JSON.stringify(info, null, 2));
  return info;
}
