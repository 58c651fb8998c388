import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RawImage } from '@huggingface/transformers';
import { TINY_ONEVISION, writeVlmFolder } from '@matryoshka/transformers/testing';
import { askAtCounts, type VlmAnswer } from './ask.js';
import { loadVlmFolder } from './load.js';

export interface VlmSectionOptions {
  /** A transformers.js model folder the user downloaded; default a generated tiny model. */
  readonly folder?: string;
  /** The picture to ask about. */
  readonly image: string;
  readonly question?: string;
  /** Counts to compare (`null`: every token). Default all, 144, 36, 9, 1. */
  readonly counts?: readonly (number | null)[];
  readonly maxNewTokens?: number;
}

export interface VlmSectionResult {
  readonly modelType: string;
  /** The model folder, or `undefined` for the generated one. */
  readonly folder: string | undefined;
  readonly generated: boolean;
  readonly image: string;
  readonly question: string;
  readonly answers: readonly VlmAnswer[];
}

export const DEFAULT_QUESTION = 'What is in the picture?';
export const DEFAULT_COUNTS: readonly (number | null)[] = [null, 144, 36, 9, 1];

/**
 * The demo's VLM section: one question about one picture at every count, through transformers.js
 * and the Matryoshka adapter. Without a folder it writes a tiny random-weight LLaVA-OneVision-shaped
 * model (27×27 grid) and says its answers are random; everything runs offline.
 */
export async function runVlmSection(options: VlmSectionOptions): Promise<VlmSectionResult> {
  const question = options.question ?? DEFAULT_QUESTION;
  const counts = options.counts ?? DEFAULT_COUNTS;
  const maxNewTokens = options.maxNewTokens ?? 12;
  const scratch = options.folder === undefined ? await mkdtemp(path.join(tmpdir(), 'matryoshka-demo-vlm-')) : undefined;
  try {
    const folder = options.folder ?? (await writeVlmFolder(path.join(scratch!, 'tiny-llava-onevision'), TINY_ONEVISION)).dir;
    const vlm = await loadVlmFolder(folder);
    try {
      const image = await RawImage.read(options.image);
      const answers = await askAtCounts(vlm, image, question, counts, maxNewTokens);
      return { modelType: vlm.modelType, folder: options.folder, generated: options.folder === undefined, image: options.image, question, answers };
    } finally {
      await vlm.model.dispose?.();
    }
  } finally {
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  }
}

/** The section as printed lines: one row per count, times in ms. */
export function formatVlmSection(r: VlmSectionResult): string[] {
  const source = r.generated
    ? `a generated tiny ${r.modelType} model (random weights: its answers are random text; the token counts and the pipeline are real)`
    : `${r.modelType} from ${r.folder}`;
  const lines = [`VLM through transformers.js: ${source}`, `  ${path.basename(r.image)}: "${r.question}"`];
  const header = ['tokens', 'visual', 'prompt', 'encode', 'pool', 'prefill', 'TTFT', 'ms/token', 'answer'];
  const rows = r.answers.map((a) => [
    a.requested === null ? 'all' : String(a.requested),
    String(a.visualTokens),
    String(a.promptTokens),
    a.encodeMs.toFixed(0),
    a.poolMs.toFixed(2),
    a.prefillMs.toFixed(0),
    a.ttftMs.toFixed(0),
    a.decodeMsPerToken.toFixed(1),
    JSON.stringify(a.answer.length > 40 ? `${a.answer.slice(0, 40)}…` : a.answer),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padStart(widths[i]!))).join('  ')}`;
  lines.push(line(header), ...rows.map(line));
  const full = r.answers.find((a) => a.requested === null);
  const few = r.answers.find((a) => a.requested === 36);
  if (full !== undefined && few !== undefined && few.prefillMs > 0) {
    lines.push(
      `  36 tokens: prefill ${(full.prefillMs / few.prefillMs).toFixed(1)}× faster, TTFT ${(full.ttftMs / few.ttftMs).toFixed(1)}× faster than all ${full.visualTokens}`,
    );
  }
  return lines;
}
