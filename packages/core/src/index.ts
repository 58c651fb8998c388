export { ErrorCode, MatryoshkaError, argumentError, isMatryoshkaError, type MatryoshkaErrorOptions } from './errors.js';
export { arrayOf, bool, describe, intPair, oneOf, optionsObject, positiveInt, readProperty } from './validate.js';
export { isSharedMemory, overlapsMemory, plainBytes } from './memory.js';
export {
  DEFAULT_MAX_OUTPUT_BYTES,
  MAX_AXIS,
  MAX_AXIS_WEIGHTS,
  MAX_FRAMES,
  MAX_LEVELS,
  checkOutputBytes,
  maxOutputBytes,
} from './plan/limits.js';
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
export { adaptiveWindows, bilinearWindows, poolOutputSize, poolWindows, type AxisWindow } from './plan/windows.js';
export {
  DEFAULT_SCALES,
  POOLING_MODES,
  planLevels,
  resolvePlanOptions,
  type LevelPlan,
  type PlanOptions,
  type PoolingMode,
} from './plan/plan-levels.js';
export { anyresTokenCount, type AnyresLayout, type AnyresTokens } from './tokens/anyres.js';
export { videoTokenCount, type VideoLayout, type VideoTokens } from './tokens/video.js';
export type { Backend, NonFinitePolicy, PyramidOptions } from './backend/contract.js';
export {
  createTokenPyramid,
  disposedError,
  findLevel,
  type LevelInfo,
  type Pyramid,
  type PyramidLevel,
  type TokenPyramid,
} from './backend/pyramid.js';
export {
  disposeBackends,
  getBackend,
  listBackends,
  registerBackend,
  selectBackend,
  type BackendRegistration,
  type BackendSelection,
  type BackendStatus,
} from './backend/registry.js';
export { scheduleLevels, type LevelSource, type PoolStep, type Schedule } from './plan/schedule.js';
export { POOLING_OPS, planOp, type OpPlan, type PoolingOpName } from './plan/op-windows.js';
export { fromBfloat16, fromFloat16, toBfloat16, toFloat16 } from './numeric/half.js';
