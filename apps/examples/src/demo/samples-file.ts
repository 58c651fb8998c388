import { ErrorCode, MatryoshkaError } from '@matryoshka/core';
import { describe } from '@matryoshka/core/backend';

/** One mosaic-QA question as the study writes it to samples.json. */
export interface MosaicSample {
  /** A PNG next to samples.json. */
  readonly image: string;
  readonly question: string;
  readonly type: string;
  /** The question's embedding, appended to the image features the predictor reads. */
  readonly embedding: readonly number[];
  readonly answer: string;
  /** The smallest scale the M3 answer model got right, or null when none did. */
  readonly oracleScale: number | null;
  /** Whether the answer model was right at each scale (keys are token counts). */
  readonly correctAt: Readonly<Record<string, boolean>>;
  /** What the predictor gave this sample in the study (at `scales`, 576 → 1), to check a re-run against. */
  readonly probabilities?: readonly number[];
}

export interface MosaicSamplesFile {
  readonly note: string;
  readonly scales: readonly number[];
  readonly samples: readonly MosaicSample[];
}

const bad = (path: string, message: string) => new MatryoshkaError(ErrorCode.InvalidArgument, `${path}: ${message}`, { argument: path });

/** Parses and checks samples.json; a malformed file names the field at fault. */
export function parseSamplesFile(text: string, label = 'samples.json'): MosaicSamplesFile {
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch (error) {
    throw bad(label, `invalid JSON (${(error as Error).message})`);
  }
  const f = file as Record<string, unknown> | null;
  if (typeof f !== 'object' || f === null || Array.isArray(f)) throw bad(label, `expected an object, got ${describe(file)}`);
  if (!Array.isArray(f.scales) || f.scales.some((s) => !Number.isSafeInteger(s) || (s as number) < 1))
    throw bad(`${label}: scales`, `expected token counts, got ${describe(f.scales)}`);
  if (!Array.isArray(f.samples)) throw bad(`${label}: samples`, `expected an array, got ${describe(f.samples)}`);
  const samples = f.samples.map((value: unknown, i): MosaicSample => {
    const path = `${label}: samples[${i}]`;
    const s = value as Record<string, unknown> | null;
    if (typeof s !== 'object' || s === null) throw bad(path, `expected an object, got ${describe(value)}`);
    for (const key of ['image', 'question', 'type', 'answer'] as const) {
      if (typeof s[key] !== 'string' || s[key] === '') throw bad(`${path}.${key}`, `expected a string, got ${describe(s[key])}`);
    }
    if (/[\\/]/.test(s.image as string)) throw bad(`${path}.image`, `expected a file name next to samples.json, got ${describe(s.image)}`);
    if (!Array.isArray(s.embedding) || s.embedding.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
      throw bad(`${path}.embedding`, `expected finite numbers, got ${describe(s.embedding)}`);
    }
    if (s.oracleScale !== null && !Number.isSafeInteger(s.oracleScale))
      throw bad(`${path}.oracleScale`, `expected a token count or null, got ${describe(s.oracleScale)}`);
    const c = s.correctAt as Record<string, unknown> | null;
    if (typeof c !== 'object' || c === null || Object.values(c).some((v) => typeof v !== 'boolean')) {
      throw bad(`${path}.correctAt`, `expected { "<scale>": true | false }, got ${describe(c)}`);
    }
    return s as unknown as MosaicSample;
  });
  return { note: typeof f.note === 'string' ? f.note : '', scales: f.scales as number[], samples };
}
