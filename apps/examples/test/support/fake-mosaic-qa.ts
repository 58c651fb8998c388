import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ScalePredictor, savePredictor, seededRandom } from '@matryoshka/scale-predictor';
import { PNG } from 'pngjs';

const SCALES = [1, 9, 36, 144, 576];
const CHANNELS = 576; // the default encoder's
const EMBEDDING = 4;

/**
 * Writes a stand-in for the mosaic-QA study's output (predictor.json, samples.json and one mosaic)
 * into `dir`: a valid, seeded random predictor, so the page's predictor path can be tested before
 * (or without) the real study.
 */
export async function writeFakeMosaicQa(dir: string): Promise<void> {
  const random = seededRandom(7);
  const inputs = 2 * CHANNELS + 3 + EMBEDDING; // coarseFeatures' length
  const predictor = new ScalePredictor({
    scales: SCALES,
    tokens: SCALES,
    featureMean: new Float32Array(inputs),
    featureStd: new Float32Array(inputs).fill(1),
    layers: [
      {
        inputs,
        outputs: SCALES.length,
        activation: 'sigmoid',
        weights: Float32Array.from({ length: inputs * SCALES.length }, () => (random() - 0.5) * 0.1),
        bias: Float32Array.from([-2, -1, 0, 1, 2]),
      },
    ],
  });
  await writeFile(path.join(dir, 'predictor.json'), savePredictor(predictor, { fake: true }));
  // A 4×4 mosaic of flat coloured tiles, like the study's images.
  const png = new PNG({ width: 96, height: 96 });
  for (let y = 0; y < 96; y++) {
    for (let x = 0; x < 96; x++) {
      const tile = Math.floor(y / 24) * 4 + Math.floor(x / 24);
      const i = (y * 96 + x) * 4;
      png.data[i] = (tile * 53) % 256;
      png.data[i + 1] = (tile * 97) % 256;
      png.data[i + 2] = (tile * 31) % 256;
      png.data[i + 3] = 255;
    }
  }
  await writeFile(path.join(dir, 'sample-00.png'), PNG.sync.write(png));
  const sample = {
    image: 'sample-00.png',
    question: 'What colour is the top-left tile?',
    type: 'color',
    embedding: [1, 0, 0.5, -0.5],
    answer: 'black',
    oracleScale: 9,
    correctAt: { '1': false, '9': true, '36': true, '144': true, '576': true },
  };
  await writeFile(path.join(dir, 'samples.json'), JSON.stringify({ note: 'A fake predictor made by the browser test.', scales: SCALES, samples: [sample] }));
}
