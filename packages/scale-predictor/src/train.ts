// `@matryoshka/scale-predictor/train`: everything that needs TensorFlow.js, kept out of the main
// entry so that apps running a trained predictor never load it.
export { matryoshkaLoss, type LossFunction } from './train/objective.js';
export { trainPredictor, type TrainedPredictor } from './train/train-predictor.js';
export { resolveTrainOptions, type ResolvedTrainOptions, type TrainOptions } from './train/options.js';
