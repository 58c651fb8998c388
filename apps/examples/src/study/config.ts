/** Everything a study run depends on; two runs with one config give the same numbers. */
export interface StudyConfig {
  readonly size: 'default' | 'quick' | 'custom';
  /** Mosaics per split (each has four questions: exist, count, where, same). */
  readonly train: number;
  readonly validation: number;
  readonly test: number;
  readonly seed: number;
  /** The fixed projector: principal components of the encoder's 576 channels. */
  readonly components: number;
  readonly pcaMosaics: number;
  readonly pcaTokensPerMosaic: number;
  /** The answer model and its training (the same for M3 and every single-scale model). */
  readonly heads: number;
  readonly embed: number;
  readonly hidden: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** The scale predictor, trained on the validation split. */
  readonly predictorHidden: readonly number[];
  readonly predictorEpochs: number;
  readonly predictorL2: number;
  /** Requests per batch for the budgeted allocation (the exact DP runs per batch). */
  readonly budgetBatch: number;
}

export const DEFAULT_CONFIG: StudyConfig = {
  size: 'default',
  train: 2400,
  validation: 800,
  test: 1200,
  seed: 7,
  components: 32,
  pcaMosaics: 400,
  pcaTokensPerMosaic: 32,
  heads: 4,
  embed: 32,
  hidden: 96,
  epochs: 20,
  batchSize: 32,
  learningRate: 3e-3,
  // Small and regularised: the validation split has only 800 images for 1,174 features (L2 1e-2
  // collapses it to constant base rates, 1e-4 overfits).
  predictorHidden: [16],
  predictorEpochs: 20,
  predictorL2: 3e-3,
  budgetBatch: 32,
};

/** A small version for the tests: same pipeline, every table, about a minute on 2 cores. */
export const QUICK_CONFIG: StudyConfig = {
  ...DEFAULT_CONFIG,
  size: 'quick',
  train: 800,
  validation: 200,
  test: 200,
  pcaMosaics: 200,
  epochs: 10,
  batchSize: 16,
};
