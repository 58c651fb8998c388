import type { MatryoshkaVlm } from '../src/index.js';

/** One measured run of prepare + generate. Times in ms, CPU in ms of process CPU (all threads). */
export interface RunSample {
  readonly preprocessMs: number;
  readonly encodeMs: number;
  readonly poolMs: number;
  /** generate() start to its first token: embedding, merge, decoder prefill, first sampling. */
  readonly prefillMs: number;
  readonly prefillCpuMs: number;
  /** Median gap between later tokens (one decoder step with the KV cache each). */
  readonly decodeMsPerToken: number;
  /** prepare() start to the first token: what a user waits. */
  readonly ttftMs: number;
  readonly peakRssBytes: number;
  readonly visualTokens: number;
  readonly promptTokens: number;
}

export interface PointResult {
  readonly images: number;
  readonly requested: number | 'full';
  /** Rows reaching the language model, all images together. */
  readonly visualTokens: number;
  readonly promptTokens: number;
  readonly runs: number;
  /** Medians over the runs. */
  readonly preprocessMs: number;
  readonly encodeMs: number;
  readonly poolMs: number;
  readonly prefillMs: number;
  readonly prefillCpuMs: number;
  readonly decodeMsPerToken: number;
  readonly ttftMs: number;
  /** Largest resident set seen during the point's runs (the loaded weights included). */
  readonly peakRssBytes: number;
  /** KV-cache bytes after the prefill: prompt length × float32 keys and values over every layer. */
  readonly kvBytes: number;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;

/** Samples the resident set every 10 ms while ONNX Runtime works off the main thread. */
function rssSampler(): () => number {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage.rss());
  };
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export async function measureRun(vlm: MatryoshkaVlm, text: string, images: readonly unknown[], tokens: number | null, newTokens: number): Promise<RunSample> {
  const model = vlm.model as any;
  const stopRss = rssSampler();
  const stamps: { t: number; cpu: number }[] = [];
  let peakRssBytes = 0;
  let t0 = 0;
  let t1 = 0;
  let inputs: Awaited<ReturnType<MatryoshkaVlm['prepare']>>;
  try {
    t0 = performance.now();
    inputs = await vlm.prepare({ text, images, tokens });
    t1 = performance.now();
    const cpu1 = process.cpuUsage();
    // A streamer is told the prompt once, then every new token as soon as it is sampled.
    const streamer = { put: () => void stamps.push({ t: performance.now(), cpu: cpuMs(process.cpuUsage(cpu1)) }), end: () => undefined };
    await model.generate({ ...inputs, max_new_tokens: newTokens, min_new_tokens: newTokens, do_sample: false, streamer });
  } finally {
    peakRssBytes = stopRss();
  }
  if (stamps.length < 3) throw new Error(`generate produced ${stamps.length - 1} tokens; expected ${newTokens}`);
  const gaps = stamps.slice(2).map((s, i) => s.t - stamps[i + 1]!.t);
  const ids = inputs.input_ids as { dims: readonly number[] };
  return {
    preprocessMs: inputs.timings.preprocessMs,
    encodeMs: inputs.timings.encodeMs,
    poolMs: inputs.timings.poolMs,
    prefillMs: stamps[1]!.t - t1,
    prefillCpuMs: stamps[1]!.cpu,
    decodeMsPerToken: median(gaps),
    ttftMs: stamps[1]!.t - t0,
    peakRssBytes,
    visualTokens: inputs.visualTokens.reduce((a, b) => a + b, 0),
    promptTokens: ids.dims[1]!,
  };
}

export function summarise(samples: readonly RunSample[], images: number, requested: number | 'full', kvBytesPerToken: number): PointResult {
  const m = (key: keyof RunSample): number => median(samples.map((s) => s[key]));
  const first = samples[0]!;
  return {
    images,
    requested,
    visualTokens: first.visualTokens,
    promptTokens: first.promptTokens,
    runs: samples.length,
    preprocessMs: m('preprocessMs'),
    encodeMs: m('encodeMs'),
    poolMs: m('poolMs'),
    prefillMs: m('prefillMs'),
    prefillCpuMs: m('prefillCpuMs'),
    decodeMsPerToken: m('decodeMsPerToken'),
    ttftMs: m('ttftMs'),
    peakRssBytes: Math.max(...samples.map((s) => s.peakRssBytes)),
    kvBytes: first.promptTokens * kvBytesPerToken,
  };
}
