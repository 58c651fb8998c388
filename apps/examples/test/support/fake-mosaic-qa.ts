import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ScalePredictor, savePredictor, seededRandom } from '@matryoshka/scale-predictor';
import { PNG } from 'pngjs';

const SCALES = [576, 144, 36, 9, 1]; // a predictor's order, like the pyramid's
const CHANNELS = 576; // the default encoder's
const EMBEDDING = 3;

/** The questions the fake samples ask; `correctAt` follows each type's usual need for tokens. */
const QUESTIONS = [
  { question: 'What colour dominates the mosaic?', type: 'color', answer: 'red', oracle: 1 },
  { question: 'What is in the top-left?', type: 'where', answer: 'Sneaker', oracle: 36 },
  { question: 'How many tiles are blue?', type: 'count', answer: '3', oracle: null },
] as const;

/**
 * Writes a small stand-in for the mosaic-QA study's output into `dir` (default: a fresh temp folder) —
 * predictor.json (a valid, seeded random predictor made with `new ScalePredictor` +
 * `savePredictor`), samples.json in the study's shape, and three 56×56 PNG mosaics — so the demos'
 * predictor paths are tested without the study. Returns the folder.
 */
export function writeFakeMosaicQa(dir = mkdtempSync(path.join(tmpdir(), 'matryoshka-fake-qa-'))): string {
  const random = seededRandom(11);
  const inputs = 2 * CHANNELS + 3 + EMBEDDING; // coarseFeatures' length with a 3-number embedding
  const weights = Float32Array.from({ length: inputs * SCALES.length }, () => (random() - 0.5) * 0.02);
  // The embedding (the last inputs) moves every scale's logit, so the samples differ.
  for (let e = 0; e < EMBEDDING; e++) for (let s = 0; s < SCALES.length; s++) weights[(inputs - EMBEDDING + e) * SCALES.length + s] = (e - 1) * 1.5;
  const predictor = new ScalePredictor({
    scales: SCALES,
    tokens: SCALES,
    featureMean: new Float32Array(inputs),
    featureStd: new Float32Array(inputs).fill(1),
    layers: [{ inputs, outputs: SCALES.length, activation: 'sigmoid', weights, bias: Float32Array.from([2.5, 1.5, 0.5, -0.5, -1.5]) }],
  });
  writeFileSync(path.join(dir, 'predictor.json'), savePredictor(predictor, { fake: 'apps/examples/test/support/fake-mosaic-qa.ts' }));
  const samples = QUESTIONS.map((q, i) => {
    const image = `sample-0${i}.png`;
    writeFileSync(path.join(dir, image), mosaic(i));
    const correctAt = Object.fromEntries(SCALES.map((s) => [String(s), q.oracle !== null && s >= q.oracle]));
    return {
      image,
      question: q.question,
      type: q.type,
      embedding: [i === 0 ? 1 : 0, i === 1 ? 1 : 0, i === 2 ? 1 : 0],
      answer: q.answer,
      oracleScale: q.oracle,
      correctAt,
    };
  });
  writeFileSync(path.join(dir, 'samples.json'), JSON.stringify({ note: 'A fake predictor and samples made by the tests.', scales: SCALES, samples }, null, 1));
  return dir;
}

/** A 56×56 mosaic of 4×4 flat tiles (14 px), coloured from `seed`. */
function mosaic(seed: number): Buffer {
  const png = new PNG({ width: 56, height: 56 });
  for (let y = 0; y < 56; y++) {
    for (let x = 0; x < 56; x++) {
      const tile = Math.floor(y / 14) * 4 + Math.floor(x / 14) + 7 * seed;
      const i = (y * 56 + x) * 4;
      png.data[i] = (tile * 53) % 256;
      png.data[i + 1] = (tile * 97) % 256;
      png.data[i + 2] = (tile * 31) % 256;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}
