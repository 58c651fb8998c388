import { ScalePredictor, allocateBudget, analyzeOracle, seededRandom, type ScaleRecord } from '../src/index.js';

/**
 * `npm run bench [-- --quick]`: the run-time costs an app pays — the plain-TypeScript forward
 * pass per sample, the exact budgeted allocation for a batch, and the oracle analysis of a large log.
 */
const quick = process.argv.includes('--quick');
const SCALES = [1, 9, 36, 144, 576];
const random = seededRandom(1);

function time(label: string, runs: number, fn: () => unknown): void {
  fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  console.log(`${label.padEnd(58)} median ${samples[samples.length >> 1]!.toFixed(3)} ms`);
}

// A predictor over CLIP-sized coarse features (2 × 1024 + 3) with one hidden layer of 32.
const size = 2 * 1024 + 3;
const dense = (inputs: number, outputs: number, activation: 'relu' | 'sigmoid') => ({
  inputs,
  outputs,
  activation,
  weights: Float32Array.from({ length: inputs * outputs }, () => (random() - 0.5) * 0.1),
  bias: new Float32Array(outputs),
});
const predictor = new ScalePredictor({
  scales: SCALES,
  tokens: SCALES,
  featureMean: new Float32Array(size),
  featureStd: new Float32Array(size).fill(1),
  layers: [dense(size, 32, 'relu'), dense(32, 5, 'sigmoid')],
});
const features = Float32Array.from({ length: size }, () => random());
time(`predict (${size} features → 32 → 5)`, quick ? 50 : 500, () => predictor.predict(features));

for (const n of quick ? [256] : [256, 1024]) {
  const p = Array.from({ length: n }, () => SCALES.map(() => random()));
  time(`allocateBudget (${n} samples, 5 scales, 36 tokens/sample)`, quick ? 3 : 10, () => allocateBudget(p, SCALES, 36 * n));
}

const n = quick ? 2000 : 20000;
const records: ScaleRecord[] = [];
for (let i = 0; i < n; i++) for (const scale of SCALES) records.push({ id: i, scale, correct: random() < 0.6, type: `t${i % 7}` });
time(`analyzeOracle (${n} samples × 5 scales, 7 groups)`, quick ? 3 : 10, () => analyzeOracle(records, { groupBy: ['type'] }));
