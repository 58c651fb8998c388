/** Everything a study run depends on; two runs with one config give the same numbers. */
export interface StudyConfig {
  readonly size: 'default' | 'quick' | 'custom';
  /** Images per split (each has four questions; the subsets take turns). */
  readonly train: number;
  readonly validation: number;
  readonly test: number;
  readonly seed: number;
  /**
   * Questions added to each training image for the answer models (besides its four): more labels
   * from the same encoded images, so the models learn what the images hold rather than the four
   * questions' answers. Validation and test keep four questions per image.
   */
  readonly extraTrainQuestions: number;
  /** The fixed projector: channels the answer model reads out of the encoder's 576. */
  readonly components: number;
  /**
   * Of them, least-squares class directions fitted on training tokens' labels (what each shows:
   * ten classes or background); the rest are principal components. The labels are the training
   * split's own, as a VLM's projector is trained on its own data; PCA alone keeps too little of
   * what tells items apart (a linear probe on 4×4 grid cells: 70% through 32 components, 81% on all 576 channels).
   */
  readonly classComponents: number;
  readonly pcaMosaics: number;
  readonly pcaTokensPerMosaic: number;
  /** The answer model and its training (the same for M3 and every single-scale model). */
  readonly heads: number;
  readonly embed: number;
  readonly hidden: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** M3 answer models trained with different seeds (same data): the soft oracle's K. */
  readonly models: number;
  /** Per-scale weights of the M3 loss (576…1); undefined: the plain mean, as the paper. */
  readonly m3ScaleWeights?: readonly number[];
  /** The scale predictor, trained on the validation split. */
  readonly predictorHidden: readonly number[];
  readonly predictorEpochs: number;
  readonly predictorL2: number;
  readonly predictorLearningRate: number;
  /** Requests per batch for every budgeted allocation and the soft oracle (the exact DP runs per batch). */
  readonly budgetBatch: number;
}

export const DEFAULT_CONFIG: StudyConfig = {
  size: 'default',
  // Sized to finish well inside half an hour on 2 cores shared with other jobs: the encoding of
  // 3,000 images and 11 answer models (6 M3, 5 SS; two at a time) dominate.
  train: 1500,
  validation: 750,
  test: 750,
  seed: 7,
  extraTrainQuestions: 8,
  components: 32,
  classComponents: 11,
  pcaMosaics: 400,
  pcaTokensPerMosaic: 32,
  heads: 4,
  embed: 32,
  hidden: 96,
  // Twelve questions per training image: 10 epochs give 120 answered questions per image (15 × 4 = 60 before).
  epochs: 10,
  batchSize: 32,
  learningRate: 3e-3,
  // Six seeds: with three, the soft oracle's K-model means are coarse (0, ⅓, ⅔, 1) and the allocation
  // picks their lucky highs (soft − cross-fitted oracle at 9 tokens: 5.5 points with seeds 7–9,
  // 3.3 with 7–12); answer models train two at a time on 2 cores, so the run stays ~15 min.
  models: 6,
  // 33 inputs (9 image statistics + the question's 24 numbers) against 3,000 validation rows: a
  // small MLP with light L2 neither collapses nor overfits.
  predictorHidden: [32],
  predictorEpochs: 40,
  predictorL2: 1e-4,
  predictorLearningRate: 3e-3,
  budgetBatch: 64,
};

/** A tiny version for the tests: the whole pipeline and every table, wiring not research figures. */
export const QUICK_CONFIG: StudyConfig = {
  ...DEFAULT_CONFIG,
  size: 'quick',
  train: 240,
  validation: 120,
  test: 120,
  pcaMosaics: 120,
  epochs: 3,
  batchSize: 16,
  models: 3,
  predictorEpochs: 10,
};
