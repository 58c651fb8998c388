/**
 * Cost of Matryoshka visual tokens inside a transformers.js VLM, on CPU (onnxruntime-node):
 * vision encoder, pooling, decoder prefill, per-token decode, KV-cache bytes and peak RSS per
 * visual-token count, on randomly initialised models with real shapes (LLaVA-OneVision-0.5B;
 * LLaVA-1.5-7B built with a few decoder layers and scaled by layer count). Random weights cost the
 * same as trained ones: the numbers are compute and memory, not quality.
 *
 *   npm run bench -w @matryoshka/transformers -- [--quick] [--shapes=0.5b,7b] [--runs=3] …
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { withMatryoshka } from '../src/index.js';
import { LLAVA_1_5_7B, LLAVA_ONEVISION_0_5B, IMAGE_TOKEN, TINY_ONEVISION, type VlmFolderInfo } from '../src/testing/index.js';
import { blockNetwork, loadVlm, testImage } from '../test/support/load-folder.js';
import { parseArgs, type BenchArgs } from './args.js';
import { benchFolder } from './folders.js';
import { measureRun, summarise, type PointResult } from './measure.js';
import { markdown, ratios, type ShapeResult } from './report.js';
import { scaleByLayers } from './scale.js';
import { renderCostPlot } from './svg.js';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

function prompt(images: number): string {
  const pictures = Array.from({ length: images }, () => IMAGE_TOKEN).join('\n');
  return `<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n${pictures}\nDescribe what happens.<|im_end|>\n<|im_start|>assistant\n`;
}

const tokenCount = (c: number | 'full', grid: number): number => (c === 'full' ? grid * grid : c);

/** Measures every count (fewest tokens first, so the peak RSS of each point is its own). */
async function measureFolder(info: VlmFolderInfo, args: BenchArgs, videoImages: number): Promise<PointResult[]> {
  const started = performance.now();
  const { model, tokenizer, processor } = await loadVlm(info.dir);
  log(`  loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const vlm = withMatryoshka(model, processor, { tokenizer });
  const points: PointResult[] = [];
  try {
    const plans: [number, (number | 'full')[], number][] = [[1, [...args.counts], args.runs]];
    if (videoImages > 0) plans.push([videoImages, [...args.videoCounts], args.videoRuns]);
    // One unmeasured run: the first session runs allocate ONNX Runtime's arenas.
    await measureRun(vlm, prompt(1), [testImage(640, 480)], 1, 2);
    for (const [images, counts, runs] of plans) {
      const pictures = Array.from({ length: images }, (_, i) => testImage(640, 480, i));
      const text = prompt(images);
      counts.sort((a, b) => tokenCount(a, info.grid) - tokenCount(b, info.grid));
      for (const count of counts) {
        const samples = [];
        for (let r = 0; r < runs; r++) samples.push(await measureRun(vlm, text, pictures, count === 'full' ? null : count, args.newTokens));
        const p = summarise(samples, images, count, info.kvBytesPerToken);
        points.push(p);
        log(
          `  ${images} image(s) × ${count}: ${p.visualTokens} visual tokens, prompt ${p.promptTokens}, vision ${p.encodeMs.toFixed(0)} ms, pool ${p.poolMs.toFixed(2)} ms, prefill ${p.prefillMs.toFixed(0)} ms, decode ${p.decodeMsPerToken.toFixed(1)} ms/token, TTFT ${p.ttftMs.toFixed(0)} ms`,
        );
      }
    }
  } finally {
    vlm.dispose();
    await (model as { dispose(): Promise<unknown> }).dispose();
  }
  return points;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  blockNetwork();
  const shapes: ShapeResult[] = [];
  const folders: Record<string, VlmFolderInfo> = {};
  /** The 7B shape's unscaled measurements, per decoder depth (kept in the JSON for checking the fit). */
  const measured7b: Record<string, PointResult[]> = {};

  if (args.shapes.includes('tiny')) {
    log('tiny LLaVA-OneVision layout (smoke run: checks the bench, measures nothing useful)');
    const info = await benchFolder(args.cacheDir, TINY_ONEVISION, log);
    folders.tiny = info;
    shapes.push({ id: 'tiny', title: 'tiny test model (27×27 grid)', grid: info.grid, points: await measureFolder(info, args, args.videoImages) });
  }

  if (args.shapes.includes('0.5b')) {
    log('LLaVA-OneVision-0.5B shape (SigLIP-so400m/384 + Qwen2-0.5B)');
    const info = await benchFolder(args.cacheDir, LLAVA_ONEVISION_0_5B, log);
    folders['0.5b'] = info;
    shapes.push({ id: '0.5b', title: 'LLaVA-OneVision-0.5B shape (27×27 grid)', grid: info.grid, points: await measureFolder(info, args, args.videoImages) });
  }

  if (args.shapes.includes('7b')) {
    const target = LLAVA_1_5_7B.text.layers;
    const byCount = new Map<string, Map<number, PointResult>>();
    let deepest: VlmFolderInfo | undefined;
    for (const layers of [...args.layers7b].sort((a, b) => a - b)) {
      log(`LLaVA-1.5-7B shape with ${layers} of ${target} decoder layers (CLIP-L/336 + Llama-7B widths)`);
      const info = await benchFolder(args.cacheDir, { ...LLAVA_1_5_7B, text: { ...LLAVA_1_5_7B.text, layers } }, log);
      folders[`7b-${layers}l`] = info;
      deepest = info;
      const points = await measureFolder(info, args, 0);
      measured7b[`${layers} layers`] = points;
      for (const p of points) {
        const key = String(p.requested);
        if (!byCount.has(key)) byCount.set(key, new Map());
        byCount.get(key)!.set(layers, p);
      }
    }
    const perToken = (deepest!.kvBytesPerToken / deepest!.spec.text.layers) * target;
    const how =
      args.layers7b.length === 2
        ? `decoder measured at ${args.layers7b.join(' and ')} layers, prefill/decode extrapolated linearly to ${target} layers`
        : `decoder measured at ${args.layers7b[0]} layers, prefill/decode scaled ×${target / args.layers7b[0]!}`;
    shapes.push({
      id: '7b',
      title: `LLaVA-1.5-7B shape (24×24 grid), scaled to ${target} layers`,
      note: `${how}; vision tower (all 24 CLIP-L layers) and pooling measured; KV bytes computed for ${target} layers; peak RSS is the ${deepest!.spec.text.layers}-layer model's`,
      grid: deepest!.grid,
      points: [...byCount.values()].map((m) => scaleByLayers(m, target, perToken)),
    });
  }

  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, onnxruntime-node CPU (transformers.js defaults)`;
  const header = `## @matryoshka/transformers cost benchmark\n\n${new Date().toISOString()} · ${machine} · medians of ${args.runs} run(s) (video: ${args.videoRuns}) after one warm-up · ${args.newTokens} new tokens per run · random weights, real shapes, fp32`;
  const table = markdown(shapes, header);
  process.stdout.write(`${table}\n`);
  await mkdir(args.outDir, { recursive: true });
  const json = { date: new Date().toISOString(), machine, args, folders, shapes: shapes.map((s) => ({ ...s, ratios: ratios(s) })), measured7b };
  await writeFile(join(args.outDir, 'vlm-cost.json'), `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(join(args.outDir, 'vlm-cost.md'), `${table}\n`);
  await writeFile(join(args.outDir, 'vlm-cost.svg'), renderCostPlot(shapes, 'Matryoshka visual tokens in transformers.js: cost per visual-token count (CPU)'));
  log(`wrote ${join(args.outDir, 'vlm-cost.{json,md,svg}')}`);
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  // Exit now: a failed run may leave ONNX Runtime sessions holding the event loop.
  process.exit(1);
});
