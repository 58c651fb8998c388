import { withMatryoshka } from '@matryoshka/transformers';
import type { LoadedVlm } from './load.js';
import { questionPrompt } from './load.js';

/** One answer at one token count, with where the time went. */
export interface VlmAnswer {
  /** The count asked for (`null`: every token). */
  readonly requested: number | null;
  /** Rows the image gave the language model. */
  readonly visualTokens: number;
  readonly promptTokens: number;
  readonly answer: string;
  readonly newTokens: number;
  /** Vision tower + projector. */
  readonly encodeMs: number;
  readonly poolMs: number;
  /** Decoder prefill: generate() until the first new token. */
  readonly prefillMs: number;
  /** Time to first token from the raw image: preprocessing + encoder + pooling + prefill. */
  readonly ttftMs: number;
  /** Mean time per new token after the first. */
  readonly decodeMsPerToken: number;
}

/**
 * Asks `question` about `image` once per count, greedy, through the Matryoshka adapter. The first
 * new token's arrival (a transformers.js streamer) splits prefill from decoding.
 */
export async function askAtCounts(
  vlm: LoadedVlm,
  image: unknown,
  question: string,
  counts: readonly (number | null)[],
  maxNewTokens: number,
): Promise<VlmAnswer[]> {
  // The tokenizer is passed for every family: llava_onevision's processor has none.
  const adapter = withMatryoshka(vlm.model, vlm.processor, { tokenizer: vlm.tokenizer });
  try {
    const text = questionPrompt(vlm.tokenizer, vlm.modelType, question, adapter.imageMarker);
    const out: VlmAnswer[] = [];
    // One untimed pass first: ONNX Runtime's first run of a session includes one-off setup.
    const warm = await adapter.prepare({ text, images: [image], tokens: counts.at(-1) ?? null });
    await vlm.model.generate({ ...warm, max_new_tokens: 1, do_sample: false });
    for (const requested of counts) {
      const inputs = await adapter.prepare({ text, images: [image], tokens: requested });
      const stamps: number[] = [];
      const streamer = { put: () => void stamps.push(performance.now()), end: () => undefined };
      const started = performance.now();
      const ids = await vlm.model.generate({ ...inputs, max_new_tokens: maxNewTokens, do_sample: false, streamer });
      const ended = performance.now();
      const promptTokens = inputs.input_ids.dims.at(-1)!;
      const generated = Array.from(ids.data as BigInt64Array).slice(promptTokens);
      // stamps[0]: the prompt was handed over; stamps[1]: the first new token.
      const first = stamps[1] ?? ended;
      const prefillMs = first - started;
      const t = inputs.timings;
      out.push({
        requested,
        visualTokens: inputs.visualTokens[0]!,
        promptTokens,
        answer: vlm.tokenizer.decode(generated, { skip_special_tokens: true }).trim(),
        newTokens: generated.length,
        encodeMs: t.encodeMs,
        poolMs: t.poolMs,
        prefillMs,
        ttftMs: t.preprocessMs + t.encodeMs + t.poolMs + prefillMs,
        decodeMsPerToken: generated.length > 1 ? (ended - first) / (generated.length - 1) : 0,
      });
    }
    return out;
  } finally {
    adapter.dispose();
  }
}
