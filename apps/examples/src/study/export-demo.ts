import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { savePredictor } from '@matryoshka/scale-predictor';
import type { MosaicSample, MosaicSamplesFile } from '../demo/samples-file.js';
import { loadFashionMnist, type FashionMnistSplit } from './fashion-mnist.js';
import { mosaicPixels, type Mosaic } from './mosaics.js';
import type { StudyResult } from './pipeline.js';
import { ANSWERS, QUESTION_TYPES, question, questionEmbedding } from './questions.js';
import { SCALES } from './tokens.js';

/** What the demo reads next to the predictor (see demo/samples-file.ts), with the study's probabilities. */
export type DemoSamples = MosaicSamplesFile & { readonly samples: readonly (MosaicSample & { readonly probabilities: readonly number[] })[] };

function png(mosaic: Mosaic, source: FashionMnistSplit): Buffer {
  const gray = mosaicPixels(mosaic, source);
  const image = new PNG({ width: gray.width, height: gray.height });
  gray.data.forEach((v, i) => image.data.set([v, v, v, 255], i * 4));
  return PNG.sync.write(image);
}

/**
 * Writes the trained predictor and two test samples per question type (one answered with few
 * tokens, one needing many, where the run has them) for `npm run demo` and the browser demo.
 */
export function exportDemo(r: StudyResult, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const { testMosaics, testCorrect } = r.artifacts;
  const ascending = [...SCALES].reverse();
  const oracleOf = (i: number, k: number): number | null => ascending.find((s) => testCorrect[s]![i * 4 + k] === 1) ?? null;
  const picked: { i: number; k: number }[] = [];
  for (const type of QUESTION_TYPES) {
    for (const wantFew of [true, false]) {
      for (let i = 0; i < testMosaics.length; i++) {
        if (picked.some((p) => p.i === i)) continue;
        const k = testMosaics[i]!.questions.findIndex((q) => question(q).type === type);
        const o = oracleOf(i, k);
        if (o !== null && (wantFew ? o <= 9 : o >= 36)) {
          picked.push({ i, k });
          break;
        }
      }
    }
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
      question: question(q).text,
      type: question(q).type,
      embedding: questionEmbedding(q),
      answer: ANSWERS[m.answers[k]!]!,
      oracleScale: oracleOf(i, k),
      correctAt: Object.fromEntries(SCALES.map((s) => [String(s), testCorrect[s]![i * 4 + k] === 1])),
      probabilities: Array.from(r.artifacts.testProbabilities.get(`test-${m.index}-${k}`)!, (p) => Math.round(p * 1e6) / 1e6),
    };
  });
  const manifest: DemoSamples = {
    note:
      'Mosaic-QA test samples (Fashion-MNIST, MIT, © Zalando SE) with the M3 answer model’s results at every scale, written by `npm run study`. ' +
      'The predictor was trained on mosaic-QA questions only: its probabilities mean nothing for other images or questions.',
    scales: [...SCALES],
    samples,
  };
  writeFileSync(path.join(dir, 'samples.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(path.join(dir, 'predictor.json'), savePredictor(r.artifacts.predictor, { study: 'mosaic-qa', seed: r.config.seed, size: r.config.size }));
  return [...files, path.join(dir, 'samples.json'), path.join(dir, 'predictor.json')];
}
