import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, argumentError } from '@matryoshka/core';
import { describe, oneOf, optionsObject } from '@matryoshka/core/backend';
import { chatTemplate, generationConfig, modelConfig, preprocessorConfig, processorConfig } from './configs.js';
import { buildDecoderGraph, buildEmbedGraph } from './decoder-graph.js';
import { elementCount, type GraphBuilder } from './onnx-graph.js';
import { writeOnnxModel } from './onnx-writer.js';
import { resolveVlmSpec, type ResolvedVlmSpec, type VlmSpec } from './spec.js';
import { familyTokenIds, tokenizerConfigJson, tokenizerJson } from './tokenizer.js';
import { buildVisionGraph } from './vision-graph.js';

/** Graphs whose weights pass this size go to `<file>.onnx_data` (protobuf caps a file at 2 GB). */
const EXTERNAL_DATA_BYTES = 512 * 1024 * 1024;

export type SessionName = 'embed_tokens' | 'vision_encoder' | 'decoder_model_merged';

export interface VlmFolderInfo {
  readonly dir: string;
  readonly spec: ResolvedVlmSpec;
  /** Feature rows per side of `image_features` (24 for 336/14, 27 for 384/14, 16 for gemma3's pooled 32×32). */
  readonly grid: number;
  /** Rows of `image_features` per image: grid² (+1 with a class token). */
  readonly imageTokens: number;
  readonly imageTokenId: number;
  /** The BOS id of the family's tokenizer (llava/llava_onevision: `<|endoftext|>`, as their configs say). */
  readonly bosTokenId: number;
  readonly eosTokenId: number;
  readonly padTokenId: number;
  /** Weight counts per session. */
  readonly parameters: Readonly<Record<SessionName, number>>;
  /** Session files whose weights sit in a `*.onnx_data` file. */
  readonly externalData: readonly string[];
  /** KV-cache bytes per sequence position (float32 keys and values over every layer). */
  readonly kvBytesPerToken: number;
  /** Every file written, relative to `dir`, with its size in bytes. */
  readonly files: Readonly<Record<string, number>>;
}

export interface WriteVlmFolderOptions {
  /**
   * Where weights go: `'auto'` (default) puts a graph's weights in `<file>.onnx_data` past 512 MiB,
   * `'always'` / `'never'` force it (`'never'` fails past protobuf's 2 GB).
   */
  readonly externalData?: 'auto' | 'always' | 'never';
}

function randomParameters(graph: GraphBuilder): number {
  return graph.initializers.reduce((sum, init) => sum + (init.kind === 'uniform' ? elementCount(init.dims) : 0), 0);
}

/**
 * Writes a model folder in the layout transformers.js loads from disk (Node only): config.json,
 * preprocessor_config.json, processor_config.json (not for paligemma, whose processor reads none),
 * chat_template.jinja (gemma3, whose processor requires it), tokenizer.json, tokenizer_config.json,
 * generation_config.json and onnx/{embed_tokens,vision_encoder,decoder_model_merged}.onnx (with
 * `.onnx_data` beside graphs over 512 MiB of weights). Weights are seeded random values: the same
 * spec and seed give byte-identical files. Large weights are streamed, never held whole.
 */
export async function writeVlmFolder(dir: string, spec: VlmSpec, options?: WriteVlmFolderOptions): Promise<VlmFolderInfo> {
  if (typeof dir !== 'string' || dir.length === 0) throw argumentError(ErrorCode.InvalidArgument, 'dir', `expected a folder path, got ${describe(dir)}`);
  const resolved = resolveVlmSpec(spec);
  const o = optionsObject(options, 'options');
  const placement = o.externalData === undefined ? 'auto' : oneOf(o.externalData, ['auto', 'always', 'never'] as const, 'options.externalData');
  const onnxDir = join(dir, 'onnx');
  await mkdir(onnxDir, { recursive: true });
  const graphs: [SessionName, GraphBuilder][] = [
    ['embed_tokens', buildEmbedGraph(resolved)],
    ['vision_encoder', buildVisionGraph(resolved)],
    ['decoder_model_merged', buildDecoderGraph(resolved)],
  ];
  const files: Record<string, number> = {};
  const parameters = {} as Record<SessionName, number>;
  const externalData: string[] = [];
  for (const [name, graph] of graphs) {
    const external = placement === 'always' || (placement === 'auto' && randomParameters(graph) * 4 > EXTERNAL_DATA_BYTES);
    const file = `${name}.onnx`;
    const written = await writeOnnxModel(join(onnxDir, file), graph, { seed: resolved.seed, externalData: external });
    files[`onnx/${file}`] = written.modelBytes;
    if (external) {
      files[`onnx/${file}_data`] = written.dataBytes;
      externalData.push(file);
    }
    parameters[name] = written.parameters;
  }
  const processor = processorConfig(resolved);
  const template = chatTemplate(resolved);
  const texts: [string, string][] = [
    ['config.json', modelConfig(resolved, externalData)],
    ['preprocessor_config.json', preprocessorConfig(resolved)],
    ...(processor === undefined ? [] : ([['processor_config.json', processor]] as [string, object][])),
    ['tokenizer.json', tokenizerJson(resolved.family)],
    ['tokenizer_config.json', tokenizerConfigJson(resolved.family)],
    ['generation_config.json', generationConfig(resolved)],
  ].map(([name, value]) => [name as string, `${JSON.stringify(value, null, 2)}\n`]);
  if (template !== undefined) texts.push(['chat_template.jinja', template]);
  for (const [name, text] of texts) {
    await writeFile(join(dir, name), text);
    files[name] = Buffer.byteLength(text);
  }
  const t = resolved.text;
  const ids = familyTokenIds(resolved.family);
  return {
    dir,
    spec: resolved,
    grid: resolved.grid,
    imageTokens: resolved.imageTokens,
    imageTokenId: ids.image,
    bosTokenId: ids.bos,
    eosTokenId: ids.eos,
    padTokenId: ids.pad,
    parameters,
    externalData,
    kvBytesPerToken: 2 * t.layers * t.kvHeads * t.headDim * 4,
    files,
  };
}
