import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { stackFrames } from '@matryoshka/core';
import { buildPyramid } from '@matryoshka/pooling';
import { DEFAULT_ENCODER, loadEncoder, loadImage, preprocessInto } from '../src/index.js';

/**
 * `npm run bench [-- --quick]`: the default encoder at 384×384 on onnxruntime-node's CPU provider
 * (images per second, batch 1 and 8), the whole path from a decoded photo, and the M3 pyramid's
 * share (`buildPyramid`, 576 → 144/36/9/1) of encode + pyramid, and with the default scales, whose
 * 576-token level is a copy of the grid.
 */
const quick = process.argv.includes('--quick');
const SIZE = 384;
const PHOTOS = ['chelsea.png', 'coffee.png', 'rocket.jpg'].map((f) => new URL(`../test/fixtures/${f}`, import.meta.url));

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function time(runs: number, fn: () => unknown): Promise<number> {
  await fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return median(samples);
}

async function main(): Promise<void> {
  const runs = quick ? 3 : 15;
  const encoder = await loadEncoder(DEFAULT_ENCODER, { ort, cacheDir: mkdtempSync(join(tmpdir(), 'matryoshka-bench-')) });
  const images = await Promise.all(PHOTOS.map((p) => loadImage(p)));
  const per = 3 * SIZE * SIZE;
  const batch = new Float32Array(8 * per);
  for (let i = 0; i < 8; i++) preprocessInto(images[i % images.length]!, encoder.input.size, encoder.preprocessing, 'nchw', batch, i * per);
  const one = batch.subarray(0, per);

  const encode1 = await time(runs, () => encoder.encodePixels(one, 1));
  const encode8 = await time(Math.max(2, runs >> 2), () => encoder.encodePixels(batch, 8));
  const fullPath = await time(runs, () => encoder.encode(images[0]!));
  const preprocessMs = await time(runs, () => preprocessInto(images[0]!, encoder.input.size, encoder.preprocessing, 'nchw', new Float32Array(per), 0));
  const [grid] = await encoder.encodePixels(one, 1);
  // The 576-token level is the encoder's grid itself; the pooled levels are what the pyramid adds.
  const pooled = { scales: [144, 36, 9, 1] };
  const pyramid1 = await time(runs * 20, () => buildPyramid(grid!, pooled));
  const pyramidWithCopy = await time(runs * 20, () => buildPyramid(grid!));
  const grids8 = stackFrames(await encoder.encodePixels(batch, 8));
  const pyramid8 = await time(runs * 5, () => buildPyramid(grids8, pooled));
  await encoder.dispose();

  const results = {
    date: new Date().toISOString(),
    machine: {
      cpu: cpus()[0]?.model.trim(),
      cores: availableParallelism(),
      node: process.version,
      onnxruntime: '1.30.0 (onnxruntime-node, CPU EP, default threads)',
    },
    imageSize: SIZE,
    grid: `${grid!.rows}×${grid!.cols}×${grid!.channels}`,
    medianMs: {
      encodeBatch1: encode1,
      encodeBatch8: encode8,
      encodeFromDecodedPhoto: fullPath,
      preprocess: preprocessMs,
      pyramid1,
      pyramid8,
      pyramid1WithLevel576: pyramidWithCopy,
    },
    imagesPerSecond: { batch1: 1000 / encode1, batch8: 8000 / encode8, fromDecodedPhoto: 1000 / fullPath },
    pyramidShare: {
      batch1: pyramid1 / (encode1 + pyramid1),
      batch8: pyramid8 / (encode8 + pyramid8),
      batch1WithLevel576: pyramidWithCopy / (encode1 + pyramidWithCopy),
    },
  };
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  console.log(
    `Default encoder (MobileNetV2 → ${results.grid}) at ${SIZE}×${SIZE}, ${results.machine.cpu}, ${results.machine.cores} cores${quick ? ' (--quick)' : ''}`,
  );
  console.log(`  encode, batch 1:   ${encode1.toFixed(1)} ms  → ${results.imagesPerSecond.batch1.toFixed(1)} images/s`);
  console.log(`  encode, batch 8:   ${encode8.toFixed(1)} ms  → ${results.imagesPerSecond.batch8.toFixed(1)} images/s`);
  console.log(`  from a decoded photo (resize + normalize + encode): ${fullPath.toFixed(1)} ms (preprocess ${preprocessMs.toFixed(1)} ms)`);
  console.log(
    `  M3 pyramid (buildPyramid, 576 → 144/36/9/1): ${pyramid1.toFixed(3)} ms per image = ${pct(results.pyramidShare.batch1)} of encode + pyramid (batch 8: ${pct(results.pyramidShare.batch8)})`,
  );
  console.log(`  with the default scales (a 576-token level copied too): ${pyramidWithCopy.toFixed(3)} ms = ${pct(results.pyramidShare.batch1WithLevel576)}`);
  const dir = new URL('../bench-results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL('encoders.json', dir), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`Wrote ${new URL('encoders.json', dir).pathname}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
