// `@matryoshka/scale-predictor/train`: everything that needs TensorFlow.js, kept out of the main
// entry so that apps running a trained predictor never load it. TensorFlow.js is an optional peer:
// importing this entry loads it (registering its cpu backend and the gradients, as callers of
// matryoshkaLoss rely on), or throws MatryoshkaError MISSING_DEPENDENCY naming the install command.
import { tfjs } from './train/tfjs.js';

tfjs();

export { matryoshkaLoss, type LossFunction } from './train/objective.js';
export { trainPredictor, type TrainedPredictor } from './train/train-predictor.js';
export { resolveTrainOptions, type ResolvedTrainOptions, type TrainOptions } from './train/options.js';
