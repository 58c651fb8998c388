import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { savePredictor } from '@matryoshka/scale-predictor';
import type { MosaicSample, MosaicSamplesFile } from '../demo/samples-file.js';
import { loadFashionMnist, type FashionMnistSplit } from './fashion-mnist.js';
import { QUESTIONS_PER_IMAGE, mosaicPixels, type Mosaic, type Subset } from './mosaics.js';
import type { StudyResult } from './pipeline.js';
import { ANSWERS, questionFeatures, questionText, type QuestionType } from './questions.js';
import { SCALES } from './tokens.js';

/** What the demo reads next to the predictor (see demo/samples-file.ts), with the study's probabilities. */
export type DemoSamples = Omit<MosaicSamplesFile, 'samples'> & {
  readonly samples: readonly (MosaicSample & {
    readonly subset: string;
    readonly probabilities: readonly number[];
    readonly expectedCorrect: readonly number[];
  })[];
};

function png(mosaic: Mosaic, source: FashionMnistSplit): Buffer {
  const gray = mosaicPixels(mosaic, source);
  const image = new PNG({ width: gray.width, height: gray.height });
  gray.data.forEach((v, i) => image.data.set([v, v, v, 255], i * 4));
  return PNG.sync.write(image);
}

/**
 * Writes the trained predictor and eight test samples covering every density and question type
 * for `npm run demo` and the
 * browser demo, with the first M3 model's results at every scale and the predictor's probabilities.
 */
export function exportDemo(r: StudyResult, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const { testMosaics, testCorrect, testProbabilities, testExpected } = r.artifacts;
  const ascending = [...SCALES].reverse();
  const row = (i: number, k: number): number => i * QUESTIONS_PER_IMAGE + k;
  const oracleOf = (i: number, k: number): number | null => ascending.find((s) => testCorrect[s]![row(i, k)] === 1) ?? null;
  // Every density and every question type: the same questions need more tokens on denser images.
  const wanted: [Subset, QuestionType][] = [
    ['grid1', 'where'],
    ['single', 'where'],
    ['grid2', 'same'],
    ['grid3', 'count'],
    ['grid4', 'where'],
    ['grid4', 'exist'],
    ['grid6', 'where'],
    ['grid6', 'count'],
  ];
  const picked: { i: number; k: number }[] = [];
  for (const [subset, type] of wanted) {
    const i = testMosaics.findIndex((m, index) => m.subset === subset && !picked.some((p) => p.i === index));
    if (i >= 0) picked.push({ i, k: testMosaics[i]!.questions.findIndex((q) => q.type === type) });
  }
  const files: string[] = [];
  const source = loadFashionMnist('t10k');
  const samples = picked.map(({ i, k }, n) => {
    const m = testMosaics[i]!;
    const image = `sample-${String(n).padStart(2, '0')}.png`;
    writeFileSync(path.join(dir, image), png(m, source));
    files.push(path.join(dir, image));
    const q = m.questions[k]!;
    return {
      image,
      question: questionText(q),
      type: q.type,
      subset: m.subset,
      embedding: questionFeatures(q),
      answer: ANSWERS[m.answers[k]!]!,
      oracleScale: oracleOf(i, k),
      correctAt: Object.fromEntries(SCALES.map((s) => [String(s), testCorrect[s]![row(i, k)] === 1])),
      // The study's rows run ascending; the file lists them like its `scales` and the predictor (576 → 1).
      expectedCorrect: Array.from(testExpected[row(i, k)]!, (p) => Math.round(p * 1e4) / 1e4).reverse(),
      probabilities: Array.from(testProbabilities[row(i, k)]!, (p) => Math.round(p * 1e6) / 1e6).reverse(),
    };
  });
  const manifest: DemoSamples = {
    note:
      'Mosaic-QA test samples of every density (Fashion-MNIST, MIT, © Zalando SE) with the first M3 answer model’s results at every scale, written by `npm run study -- --export-demo`. ' +
      'The predictor was trained on mosaic-QA questions only: its probabilities mean nothing for other images or questions.',
    scales: [...SCALES],
    samples,
  };
  writeFileSync(path.join(dir, 'samples.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(path.join(dir, 'predictor.json'), savePredictor(r.artifacts.predictor, { study: 'mosaic-qa', seed: r.config.seed, size: r.config.size }));
  return [...files, path.join(dir, 'samples.json'), path.join(dir, 'predictor.json')];
}
