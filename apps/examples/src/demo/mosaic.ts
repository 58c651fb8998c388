import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ErrorCode, MatryoshkaError, type Backend } from '@matryoshka/core';
import type { Encoder } from '@matryoshka/encoders';
import { chooseScale, loadPredictor, predictorInput, type ScalePredictor } from '@matryoshka/scale-predictor';
import { allocate, fixed, type BudgetChoice } from './budget.js';
import { within } from './errors.js';
import { parseSamplesFile, type MosaicSample } from './samples-file.js';

/** The levels the predictor was trained on: the default encoder's 24×24 grid, M3 pooling. */
export const MOSAIC_SCALES = [576, 144, 36, 9, 1];

export const PREDICTOR_SCOPE =
  'A scale predictor is only valid for the kind of questions it was trained on (mosaic-QA: questions about small product mosaics), so the photos above get no prediction.';

export interface MosaicSampleResult {
  readonly sample: MosaicSample;
  readonly path: string;
  /** The predicted probability of a right answer at each of `scales` (the predictor's order, 576 → 1). */
  readonly probabilities: readonly number[];
  /** The threshold policy's scale (the smallest with p ≥ τ, else the most likely). */
  readonly chosen: number;
  /** Whether the answer model was right there (`correctAt`), undefined when the file does not say. */
  readonly rightAtChosen: boolean | undefined;
  readonly budgetScale: number;
  readonly rightAtBudget: boolean | undefined;
  readonly encodeMs: number;
  readonly pyramidMs: number;
}

export type MosaicSection =
  | { readonly kind: 'skipped'; readonly dir: string; readonly reason: string }
  | {
      readonly kind: 'ran';
      readonly dir: string;
      readonly note: string;
      readonly tau: number;
      /** The predictor's scales, descending like the pyramid (576 → 1). */
      readonly scales: readonly number[];
      readonly samples: readonly MosaicSampleResult[];
      readonly threshold: { readonly tokens: number; readonly right: number };
      readonly budget: BudgetChoice & { readonly budget: number; readonly right: number };
      /** Every sample at the fixed `--scale`, when the predictor has that scale. */
      readonly fixed: { readonly scale: number; readonly tokens: number; readonly right: number } | undefined;
    };

/** What is found in the predictor folder before any work: the files, or why the section is skipped. */
export type MosaicInput =
  | { readonly kind: 'skipped'; readonly dir: string; readonly reason: string }
  | { readonly kind: 'ready'; readonly dir: string; readonly note: string; readonly predictor: ScalePredictor; readonly samples: readonly MosaicSample[] };

/** Reads predictor.json and samples.json from `dir`; missing files skip the section, malformed ones are errors. */
export function readMosaicInput(dir: string): MosaicInput {
  const predictorPath = path.join(dir, 'predictor.json');
  const samplesPath = path.join(dir, 'samples.json');
  for (const file of [predictorPath, samplesPath]) {
    if (!existsSync(file)) {
      return {
        kind: 'skipped',
        dir,
        reason: `no ${path.basename(file)} in ${dir} (the mosaic-QA study writes predictor.json and samples.json there; pass another folder with --predictor-dir)`,
      };
    }
  }
  const predictor = within(predictorPath, () => loadPredictor(readFileSync(predictorPath, 'utf8')));
  const file = parseSamplesFile(readFileSync(samplesPath, 'utf8'), samplesPath);
  if (file.samples.length === 0) return { kind: 'skipped', dir, reason: `${samplesPath} holds no samples` };
  for (const [i, s] of file.samples.entries()) {
    const image = path.join(dir, s.image);
    if (!existsSync(image)) throw new MatryoshkaError(ErrorCode.InvalidArgument, `${samplesPath}: samples[${i}].image: no such file ${image}`);
  }
  return { kind: 'ready', dir, note: file.note, predictor, samples: file.samples };
}

export interface MosaicRun {
  readonly encoder: Encoder;
  readonly backend: Backend<unknown>;
  readonly tau: number;
  /** Total tokens for the budgeted allocation over the samples. */
  readonly budget: number;
  /** The fixed policy's scale, compared when the predictor has it. */
  readonly scale: number;
  readonly onSample?: (index: number) => void;
}

/**
 * For each sample: encode its mosaic, build the M3 pyramid, predict the probability of a right
 * answer at every scale from the input its file names (`predictorInput`: the study's predictor
 * reads `pyramidFeatures` of every level — what each coarse level keeps of the grid, how uneven each
 * level is — and the question's numbers; older files read `coarseFeatures` of the 1- and 9-token levels),
 * pick a scale with `chooseScale(p, τ, predictor.scales)` (a token count); then allocate the budget over all samples with the same
 * probabilities, and score every choice against what the answer model really did (`correctAt`).
 */
export async function runMosaic(input: Extract<MosaicInput, { kind: 'ready' }>, run: MosaicRun): Promise<MosaicSection> {
  const { predictor, samples, dir } = input;
  const scales = [...predictor.scales];
  const results: Omit<MosaicSampleResult, 'budgetScale' | 'rightAtBudget'>[] = [];
  for (const [i, sample] of samples.entries()) {
    run.onSample?.(i);
    const file = path.join(dir, sample.image);
    let t = performance.now();
    const grid = await within(file, () => run.encoder.encode(file));
    const encodeMs = performance.now() - t;
    t = performance.now();
    const device = await run.backend.buildPyramid(grid, { scales: MOSAIC_SCALES, mode: 'm3' });
    const pyramid = await device.read();
    device.dispose();
    const pyramidMs = performance.now() - t;
    const features = within(`${file} (samples[${i}])`, () => predictorInput(predictor, pyramid, sample.embedding));
    const probabilities = Array.from(within(`${file} (samples[${i}])`, () => predictor.predict(features)));
    const chosen = chooseScale(probabilities, run.tau, scales);
    results.push({ sample, path: file, probabilities, chosen, rightAtChosen: sample.correctAt[String(chosen)], encodeMs, pyramidMs });
  }
  // Costs are the levels' token counts (24×24 with M3 pooling: exactly the scales).
  const items = results.map((r) => ({ values: r.probabilities, tokens: scales }));
  const budget = allocate(items, run.budget);
  const full = results.map((r, i) => {
    const budgetScale = budget.chosen[i]!;
    return { ...r, budgetScale, rightAtBudget: r.sample.correctAt[String(budgetScale)] };
  });
  const count = (list: readonly (boolean | undefined)[]) => list.filter((v) => v === true).length;
  const fixedIndex = scales.indexOf(run.scale);
  return {
    kind: 'ran',
    dir,
    note: input.note,
    tau: run.tau,
    scales,
    samples: full,
    threshold: { tokens: full.reduce((s, r) => s + r.chosen, 0), right: count(full.map((r) => r.rightAtChosen)) },
    budget: { ...budget, budget: run.budget, right: count(full.map((r) => r.rightAtBudget)) },
    fixed:
      fixedIndex < 0
        ? undefined
        : { scale: run.scale, tokens: fixed(items, fixedIndex).tokens, right: count(full.map((r) => r.sample.correctAt[String(run.scale)])) },
  };
}
