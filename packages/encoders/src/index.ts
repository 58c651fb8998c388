export { DEFAULT_ENCODER, loadEncoder, type EncoderSource, type LoadEncoderOptions, type LoadedEncoder } from './encoder/load-encoder.js';
export { Encoder, type EncoderInfo } from './encoder/encoder.js';
export { outputToGrids, type GridLayout, type OutputLayout } from './encoder/output-layout.js';
export { DEFAULT_LAYER, defaultModel, type DefaultModel, type DefaultModelOptions } from './default-model/default-model.js';
export { defaultCacheDir, type CacheStatus } from './default-model/cache.js';
export { decodeImage, imageFormat, type ImageFormat } from './image/decode.js';
export { loadImage, type ImageInput } from './image/image-input.js';
export type { RawImage } from './image/raw-image.js';
export { PRESETS, PRESET_NAMES, type Normalization, type PresetName, type ResizeMode } from './image/presets.js';
export {
  preprocessImage,
  preprocessInto,
  resolvePreprocessing,
  type ImageSize,
  type PreprocessOptions,
  type TensorLayout,
} from './image/preprocess.js';
export type { Interpolation } from './image/resample.js';
export { resolveOrt, type ExecutionProvider, type OrtRuntime, type SessionOptions } from './runtime/ort.js';
export type { ProviderAttempt } from './runtime/session.js';
export { encodeModel, type OnnxGraph, type OnnxNode, type OnnxInitializer, type OnnxValue } from './onnx/model.js';
