/**
 * The demo's training-free value of a level: how much of the full grid it keeps (mean cosine
 * similarity with the covering coarse token), which `allocateBudget` takes where no task-specific
 * predictor exists. It lives in @matryoshka/scale-predictor, whose pyramid features use it too.
 */
export { levelCoverage } from '@matryoshka/scale-predictor';
