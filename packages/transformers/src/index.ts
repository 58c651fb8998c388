export {
  withMatryoshka,
  type GenerateRequest,
  type ImageInput,
  type MatryoshkaOptions,
  type MatryoshkaVlm,
  type PrepareRequest,
  type PrepareTimings,
  type PreparedInputs,
} from './adapter.js';
export type { BackendOption } from './backend.js';
export { SUPPORTED_MODEL_TYPES, type SupportedModelType } from './families.js';
export type { FeatureGrid, GridOverride } from './grid.js';
export type { BatchTokenPolicy, ImageLevels, TokenCount, TokenPolicy, TokensOption } from './tokens.js';
