import type { TokenPyramid } from '@matryoshka/core';
import { chooseScale, loadPredictor, predictorInput, type ScalePredictor } from '@matryoshka/scale-predictor';
import { parseSamplesFile, type MosaicSample } from '../../src/demo/samples-file.js';

export type { MosaicSample };

export interface MosaicQa {
  readonly predictor: ScalePredictor;
  readonly note: string;
  readonly samples: readonly MosaicSample[];
}

/** The predictor and its samples, or why they are not available (the study has not produced them yet). */
export async function loadMosaicQa(base: URL): Promise<MosaicQa | { unavailable: string }> {
  const get = async (file: string): Promise<string> => {
    const response = await fetch(new URL(`mosaic-qa/${file}`, base));
    if (!response.ok) throw new Error(`mosaic-qa/${file} is not in this build (HTTP ${response.status})`);
    return response.text();
  };
  try {
    const { files } = JSON.parse(await get('manifest.json')) as { files: string[] };
    const missing = ['predictor.json', 'samples.json'].filter((f) => !files.includes(f));
    if (missing.length > 0) return { unavailable: `the mosaic-QA study has not produced ${missing.join(' and ')} yet` };
    const [predictorJson, samplesJson] = await Promise.all([get('predictor.json'), get('samples.json')]);
    const s = parseSamplesFile(samplesJson, 'mosaic-qa/samples.json');
    return { predictor: loadPredictor(predictorJson), note: s.note, samples: s.samples };
  } catch (error) {
    return { unavailable: (error as Error).message };
  }
}

/** Decision threshold: the smallest scale whose predicted probability of a right answer is ≥ 0.8. */
export const THRESHOLD = 0.8;

export interface Prediction {
  readonly scales: readonly number[];
  readonly probabilities: readonly number[];
  readonly chosen: number;
  /** False when no scale reached the threshold and `chooseScale` fell back to the most likely one. */
  readonly reachedThreshold: boolean;
}

/** The predictor's input is what the pyramid holds before any LLM call, plus the question's embedding (the kind its file names). */
export function predictScale(predictor: ScalePredictor, pyramid: TokenPyramid, sample: MosaicSample): Prediction {
  const features = predictorInput(predictor, pyramid, sample.embedding);
  const probabilities = Array.from(predictor.predict(features));
  const chosen = chooseScale(probabilities, THRESHOLD, predictor.scales);
  return { scales: predictor.scales, probabilities, chosen, reachedThreshold: probabilities[predictor.scales.indexOf(chosen)]! >= THRESHOLD };
}
