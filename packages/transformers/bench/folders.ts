import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildDecoderGraph, buildEmbedGraph } from '../src/testing/decoder-graph.js';
import { resolveVlmSpec, writeVlmFolder, type VlmFolderInfo, type VlmSpec } from '../src/testing/index.js';
import { buildVisionGraph } from '../src/testing/vision-graph.js';

const MARKER = 'bench-folder.json';

/**
 * A hash of what the folder's bytes depend on: the resolved spec, every graph's nodes and weight
 * rules (names, shapes, scales; built without weights, in milliseconds), the config writers and
 * the random generator. Editing a comment keeps the cache; changing a graph or a rule rewrites it.
 */
async function folderKey(spec: VlmSpec): Promise<string> {
  const resolved = resolveVlmSpec(spec);
  const hash = createHash('sha256').update(JSON.stringify(resolved));
  for (const graph of [buildEmbedGraph(resolved), buildVisionGraph(resolved), buildDecoderGraph(resolved)]) {
    const initializers = graph.initializers.map((i) => (i.kind === 'data' ? { ...i, data: Array.from(i.data as ArrayLike<number | bigint>, String) } : i));
    hash.update(JSON.stringify({ nodes: graph.nodes, initializers, inputs: graph.inputs, outputs: graph.outputs }));
  }
  const source = join(import.meta.dirname, '..', 'src', 'testing');
  for (const name of ['random.ts', 'proto.ts', 'onnx-writer.ts', 'configs.ts', 'tokenizer.ts']) hash.update(await readFile(join(source, name)));
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
