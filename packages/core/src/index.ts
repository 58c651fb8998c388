// The user's vocabulary. Helpers for backend and package authors (validators, windows, the
// schedule, device-pyramid parts) live on `@matryoshka/core/backend`; test/exports.test.ts
// lists every name here, so an addition is a decision.
export { ErrorCode, MatryoshkaError, argumentError, isMatryoshkaError, type MatryoshkaErrorOptions } from './errors.js';
// Kept here until every package imports them from `@matryoshka/core/backend`.
export { describe, oneOf, positiveInt } from './validate.js';
export { DEFAULT_MAX_OUTPUT_BYTES } from './plan/limits.js';
export {
  assertTokenGrid,
  gridShape,
  splitFrames,
  stackFrames,
  tokenCount,
  tokenGrid,
  type GridShape,
  type TokenGrid,
  type TokenGridSizes,
} from './token-grid.js';
export type { AxisWindow } from './plan/windows.js';
export { DEFAULT_SCALES, POOLING_MODES, planLevels, type LevelPlan, type PlanOptions, type PoolingMode } from './plan/plan-levels.js';
export { anyresTokenCount, type AnyresLayout, type AnyresTokens } from './tokens/anyres.js';
export { videoTokenCount, type VideoLayout, type VideoTokens } from './tokens/video.js';
export {
  BACKEND_CONTRACT_VERSION,
  type AnyBackend,
  type Backend,
  type BackendMap,
  type NonFinitePolicy,
  type OpOptions,
  type OpResult,
  type PyramidOptions,
} from './backend/contract.js';
export type { LevelInfo, Pyramid, PyramidLevel, ReadSelection, TokenPyramid } from './backend/pyramid.js';
export {
  disposeBackends,
  getBackend,
  listBackends,
  selectBackend,
  type BackendRegistration,
  type BackendSelection,
  type BackendStatus,
} from './backend/registry.js';
export { POOLING_OPS, type PoolingOpName } from './plan/op-windows.js';
export { fromBfloat16, fromFloat16, toBfloat16, toFloat16 } from './numeric/half.js';
