export { checkRecord, type CheckedRecord, type ScaleRecord } from './records/record.js';
export { parseJsonl, toJsonl } from './records/jsonl.js';
export { importLmmsEval, type LmmsEvalOptions, type LmmsEvalRun } from './records/lmms-eval.js';
export {
  DEFAULT_THRESHOLD,
  MISSING_POLICIES,
  UNANSWERED_CHARGES,
  resolveOracleOptions,
  type MissingPolicy,
  type OracleOptions,
  type ResolvedOracleOptions,
  type UnansweredCharge,
} from './oracle/options.js';
export { buildSampleTable, type SampleTable, type TableCounts } from './oracle/sample-table.js';
export { subsetTable } from './oracle/subset.js';
export {
  oracleIndex,
  summarize,
  type MoreTokensHurt,
  type OracleResult,
  type OracleShare,
  type ScaleResult,
  type ScaleStep,
  type Summary,
} from './oracle/summary.js';
export { analyzeOracle, type GroupSummary, type OracleAnalysis } from './oracle/analyze.js';
export { meanCorrectness, softOracle, type SoftOraclePoint } from './oracle/soft-oracle.js';
export { ScalePredictor, type Activation, type DenseLayer, type PredictorParams } from './predictor/model.js';
export { PREDICTOR_FORMAT, PREDICTOR_VERSION, loadPredictor, savePredictor, type PredictorFile } from './predictor/file.js';
export { FEATURE_KINDS, coarseFeatures, levelCoverage, predictorInput, pyramidFeatures, type FeatureKind, type LevelSource } from './predictor/features.js';
export { joinFeatures, type FeatureRecord } from './predictor/join.js';
export { seededRandom } from './predictor/random.js';
export { THRESHOLD_FALLBACKS, chooseScale, type ThresholdFallback } from './policy/threshold.js';
export { MAX_DP_CELLS, allocateBudget, type Allocation } from './policy/budget.js';
export { allocateInBatches, type BatchedAllocation } from './policy/batches.js';
export { cascade, type CascadeStep } from './policy/cascade.js';
export { calibration, type Calibration, type CalibrationBin } from './evaluate/calibration.js';
export {
  evaluatePredictor,
  type CurvePoint,
  type EvaluateOptions,
  type Evaluation,
  type FixedComparison,
  type PolicyAtBudget,
} from './evaluate/evaluate.js';
export { formatTable } from './report/table.js';
export { formatAnalysis, formatEvaluation } from './report/format.js';
export { renderPlot, type PlotInput, type PlotPoint, type PlotSeries } from './report/svg.js';
