/**
 * paligemma and gemma3 end to end on generated folders in the exact transformers.js layout: the
 * folders load offline with the stock Auto classes; the stock processor + stock `generate` give
 * exactly the ids of `withMatryoshka(...).prepare({ tokens: null })` + `generate`; at 64/16/4/1
 * tokens (16×16 grid, mode m3) the prompt ids are laid out as the family's processor lays them out
 * (checked against ids written out by hand here) and the generated ids equal an independent greedy
 * decode (raw onnxruntime-node sessions, CPU pyramid, 1-based positions as transformers.js uses).
 */
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, isMatryoshkaError } from '@matryoshka/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withMatryoshka } from '../src/index.js';
import { GEMMA_SPECIAL_TOKENS as G, TINY_GEMMA3, TINY_PALIGEMMA, writeVlmFolder, type VlmFolderInfo, type VlmSpec } from '../src/testing/index.js';
import { blockNetwork, loadVlm, networkAttempts, testImage, type LoadedVlm } from './support/load-folder.js';
import { ReferenceModel } from './support/reference-decode.js';

const NEW_TOKENS = 8;
let root = '';

beforeAll(async () => {
  blockNetwork();
  root = await mkdtemp(join(tmpdir(), 'matryoshka-families-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  expect(networkAttempts).toEqual([]);
});

const ids = (tensor: unknown): number[] => Array.from((tensor as { data: BigInt64Array }).data, Number);
const NEWLINE = 10;
/** Prompt ids written out by hand: a string is its UTF-8 bytes (the byte-level tokenizer's ids 0–255), a number one special id. */
const spell = (...parts: (string | number | number[])[]): number[] => parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'utf8')] : p));
const run = (id: number, n: number): number[] => new Array<number>(n).fill(id);

interface FamilyCase {
  readonly family: 'paligemma' | 'gemma3';
  readonly spec: VlmSpec;
  readonly modelClass: string;
  readonly processorClass: string;
  /** Files the family's stock processor reads beyond the common ones, and files it must not need. */
  readonly files: { readonly present: readonly string[]; readonly absent: readonly string[] };
  /** A one-image prompt and the ids its processor gives with `n` image tokens. */
  readonly one: { readonly text: string; readonly ids: (n: number) => number[] };
  /** A two-image prompt and its ids with counts `a`, `b`. */
  readonly two: { readonly text: string; readonly ids: (a: number, b: number) => number[] };
  /** The stock processor call (paligemma: images first; gemma3: text first). */
  stock(processor: LoadedVlm['processor'], text: string, images: unknown[]): Promise<Record<string, unknown>>;
}

const GEMMA3_TURN = (images: number, question: string) =>
  `<start_of_turn>user\n${'<start_of_image>'.repeat(images)}${question}<end_of_turn>\n<start_of_turn>model\n`;
const gemma3Image = (n: number) => spell('\n\n', G.startOfImage.id, run(G.imageSoft.id, n), G.endOfImage.id, '\n\n');

const CASES: FamilyCase[] = [
  {
    family: 'paligemma',
    spec: TINY_PALIGEMMA,
    modelClass: 'PaliGemmaForConditionalGeneration',
    processorClass: 'PaliGemmaProcessor',
    files: { present: [], absent: ['processor_config.json', 'chat_template.jinja'] },
    // No `<image>` in the prompt: the image tokens lead, BOS follows them, a newline ends the prompt.
    one: { text: 'caption en', ids: (n) => spell(run(G.image.id, n), G.bos.id, 'caption en', [NEWLINE]) },
    // Explicit markers: each expands in place; BOS goes after the last image token.
    two: {
      text: '<image><image>answer en which is brighter?',
      ids: (a, b) => spell(run(G.image.id, a), run(G.image.id, b), G.bos.id, 'answer en which is brighter?', [NEWLINE]),
    },
    stock: (processor, text, images) => processor(images, text),
  },
  {
    family: 'gemma3',
    spec: TINY_GEMMA3,
    modelClass: 'Gemma3ForConditionalGeneration',
    processorClass: 'Gemma3Processor',
    files: { present: ['processor_config.json', 'chat_template.jinja'], absent: [] },
    // The tokenizer puts BOS first; each `<start_of_image>` becomes `\n\n<boi><soft>×n<eoi>\n\n`.
    one: {
      text: GEMMA3_TURN(1, 'Describe the picture.'),
      ids: (n) => spell(G.bos.id, G.startOfTurn.id, 'user\n', gemma3Image(n), 'Describe the picture.', G.endOfTurn.id, '\n', G.startOfTurn.id, 'model\n'),
    },
    two: {
      text: GEMMA3_TURN(2, 'Which is brighter?'),
      ids: (a, b) =>
        spell(G.bos.id, G.startOfTurn.id, 'user\n', gemma3Image(a), gemma3Image(b), 'Which is brighter?', G.endOfTurn.id, '\n', G.startOfTurn.id, 'model\n'),
    },
    stock: (processor, text, images) => processor(text, images),
  },
];

describe.each(CASES)('$family', (c) => {
  let info: VlmFolderInfo;
  let vlm: LoadedVlm;
  let reference: ReferenceModel;

  beforeAll(async () => {
    info = await writeVlmFolder(join(root, c.family), c.spec);
    vlm = await loadVlm(info.dir);
    reference = await ReferenceModel.load(info.dir);
  });
  afterAll(async () => {
    await reference?.release();
    await vlm?.model.dispose();
  });

  const generated = async (inputs: object, model = vlm.model): Promise<number[]> =>
    ids(await model.generate({ ...inputs, max_new_tokens: NEW_TOKENS, do_sample: false })).slice(ids((inputs as { input_ids: unknown }).input_ids).length);

  const referenceIds = async (inputs: { input_ids: unknown; pixel_values?: unknown }, tokens: readonly number[]) => {
    const pixels = inputs.pixel_values as { data: Float32Array; dims: number[] };
    const decoded = await reference.decode({
      inputIds: ids(inputs.input_ids),
      pixelValues: { data: pixels.data, dims: pixels.dims },
      tokens,
      maxNewTokens: NEW_TOKENS,
      eosTokenId: info.eosTokenId,
    });
    return decoded.ids;
  };

  it('loads offline with the stock Auto classes; the folder has exactly the files its processor reads', async () => {
    expect(vlm.model.constructor.name).toBe(c.modelClass);
    expect(vlm.processor.constructor.name).toBe(c.processorClass);
    expect(vlm.model.config.model_type).toBe(c.family);
    expect(info.grid).toBe(16);
    expect(info.imageTokens).toBe(256);
    for (const f of c.files.present) await expect(access(join(info.dir, f))).resolves.toBeUndefined();
    for (const f of c.files.absent) await expect(access(join(info.dir, f))).rejects.toThrow();
    if (c.family === 'gemma3') {
      // The tower sees 448/14 = 32×32 patches and pools them to 16×16 inside the graph.
      expect(info.spec.patchGrid).toBe(32);
      expect(vlm.model.config.mm_tokens_per_image).toBe(256);
      // The chat template the processor loaded writes the prompt used here.
      const messages = [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Describe the picture.' }] }];
      expect(vlm.processor.apply_chat_template(messages, { add_generation_prompt: true, tokenize: false })).toBe(c.one.text);
    }
    expect(networkAttempts).toEqual([]);
  });

  it('stock processor + stock generate = prepare({ tokens: null }) + generate = the reference decoder (one and two images)', async () => {
    const stockModel = (await loadVlm(info.dir)).model; // never wrapped
    const adapter = withMatryoshka(vlm.model, vlm.processor);
    expect(adapter.imageMarker).toBe(c.family === 'gemma3' ? '<start_of_image>' : '<image>');
    try {
      for (const [text, images, expected] of [
        [c.one.text, [testImage(320, 240, 1)], c.one.ids(256)],
        [c.two.text, [testImage(300, 300, 2), testImage(500, 200, 3)], c.two.ids(256, 256)],
      ] as const) {
        const stock = await c.stock(vlm.processor, text, [...images]);
        expect(ids(stock.input_ids)).toEqual(expected);
        const stockOut = await generated(stock, stockModel);

        const inputs = await adapter.prepare({ text, images: [...images], tokens: null });
        expect(ids(inputs.input_ids)).toEqual(ids(stock.input_ids));
        expect(ids(inputs.attention_mask)).toEqual(ids(stock.attention_mask));
        expect(Array.from((inputs.pixel_values as unknown as { data: Float32Array }).data)).toEqual(
          Array.from((stock.pixel_values as { data: Float32Array }).data),
        );
        expect(inputs.visualTokens).toEqual(images.map(() => 256));
        expect(inputs.grid).toEqual({ rows: 16, cols: 16, cls: false });
        expect(await generated(inputs)).toEqual(stockOut);
        // The independent decoder agrees with transformers.js at the full count.
        expect(
          await referenceIds(
            inputs,
            images.map(() => 256),
          ),
        ).toEqual(stockOut);
        expect(new Set(stockOut).size).toBeGreaterThanOrEqual(2);
      }
    } finally {
      adapter.dispose();
      await stockModel.dispose();
    }
  });

  it.each([64, 16, 4, 1])('%i tokens: the family layout with that many placeholders; ids equal the reference decoder', async (tokens) => {
    const adapter = withMatryoshka(vlm.model, vlm.processor);
    try {
      const image = testImage(400, 300, tokens);
      const inputs = await adapter.prepare({ text: c.one.text, images: [image], tokens });
      expect(inputs.visualTokens).toEqual([tokens]);
      expect(inputs.requestedTokens).toEqual([tokens]);
      expect(ids(inputs.input_ids)).toEqual(c.one.ids(tokens));
      const out = await generated(inputs);
      expect(out).toHaveLength(NEW_TOKENS);
      expect(out).toEqual(await referenceIds(inputs, [tokens]));
      // vlm.generate is the same in one call.
      const again = ids(await adapter.generate({ text: c.one.text, images: [image], tokens, max_new_tokens: NEW_TOKENS, do_sample: false }));
      expect(again.slice(ids(inputs.input_ids).length)).toEqual(out);
    } finally {
      adapter.dispose();
    }
  });

  it('a two-image prompt with one count per image: every marker expanded to its own count', async () => {
    const adapter = withMatryoshka(vlm.model, vlm.processor);
    try {
      const images = [testImage(300, 300, 4), testImage(500, 200, 5)];
      const inputs = await adapter.prepare({ text: c.two.text, images, tokens: [64, 4] });
      expect(inputs.visualTokens).toEqual([64, 4]);
      expect(ids(inputs.input_ids)).toEqual(c.two.ids(64, 4));
      const out = await generated(inputs);
      expect(out).toEqual(await referenceIds(inputs, [64, 4]));
      // The order matters: swapping the counts gives another prompt and other rows.
      const swapped = await adapter.prepare({ text: c.two.text, images, tokens: [4, 64] });
      expect(swapped.visualTokens).toEqual([4, 64]);
      expect(await generated(swapped)).toEqual(await referenceIds(swapped, [4, 64]));
    } finally {
      adapter.dispose();
    }
  });

  it('positions start at 1 as transformers.js feeds them; a 0-based decoder gives other ids', async () => {
    const session = vlm.model.sessions.decoder_model_merged;
    const seen: number[][] = [];
    const original = session.run.bind(session);
    session.run = (feeds: Record<string, { data: BigInt64Array }>, ...rest: unknown[]) => {
      seen.push(Array.from(feeds.position_ids!.data, Number));
      return original(feeds, ...rest);
    };
    const adapter = withMatryoshka(vlm.model, vlm.processor);
    const zeroBased = await ReferenceModel.load(info.dir, { positionStart: 0 });
    try {
      const inputs = await adapter.prepare({ text: c.one.text, images: [testImage(256, 256, 9)], tokens: 16 });
      const length = ids(inputs.input_ids).length;
      const out = await generated(inputs);
      expect(seen[0]).toEqual(Array.from({ length }, (_, i) => i + 1));
      expect(seen[1]).toEqual([length + 1]);
      expect(out).toEqual(await referenceIds(inputs, [16]));
      const pixels = inputs.pixel_values as unknown as { data: Float32Array; dims: number[] };
      const wrong = await zeroBased.decode({ inputIds: ids(inputs.input_ids), pixelValues: pixels, tokens: [16], maxNewTokens: NEW_TOKENS });
      expect(wrong.ids).not.toEqual(out);
    } finally {
      session.run = original;
      adapter.dispose();
      await zeroBased.release();
    }
  });

  if (c.family === 'gemma3') {
    it('the grid comes from mm_tokens_per_image: without it the 448/14 config promises 32×32 and 256 rows are refused', async () => {
      const config = vlm.model.config;
      const perImage = config.mm_tokens_per_image;
      delete config.mm_tokens_per_image;
      const adapter = withMatryoshka(vlm.model, vlm.processor);
      try {
        const error = await adapter.prepare({ text: c.one.text, images: [testImage(64, 64)], tokens: 4 }).catch((e: unknown) => e);
        expect(isMatryoshkaError(error) && error.code, String(error)).toBe(ErrorCode.UnsupportedModel);
        expect(String((error as Error).message)).toContain('32×32');
      } finally {
        config.mm_tokens_per_image = perImage;
        adapter.dispose();
      }
    });
  }

  if (c.family === 'paligemma') {
    it('images but no `<image>` in a two-image prompt: both images lead, each with its own count', async () => {
      const adapter = withMatryoshka(vlm.model, vlm.processor);
      try {
        const images = [testImage(200, 200, 6), testImage(200, 300, 7)];
        const stock = await c.stock(vlm.processor, 'caption en', images);
        expect(ids(stock.input_ids)).toEqual(spell(run(G.image.id, 512), G.bos.id, 'caption en', [NEWLINE]));
        const inputs = await adapter.prepare({ text: 'caption en', images, tokens: [16, 1] });
        expect(ids(inputs.input_ids)).toEqual(spell(run(G.image.id, 17), G.bos.id, 'caption en', [NEWLINE]));
        expect(await generated(inputs)).toEqual(await referenceIds(inputs, [16, 1]));
        // Without images the layout still puts BOS first and ends with a newline.
        const text = await adapter.prepare({ text: 'hello' });
        expect(ids(text.input_ids)).toEqual(spell(G.bos.id, 'hello', [NEWLINE]));
        expect(text.visualTokens).toEqual([]);
      } finally {
        adapter.dispose();
      }
    });
  }
});

describe('gemma specs', () => {
  it('rejects bad pooling and vocabulary settings with a MatryoshkaError naming the field', async () => {
    const bad: [unknown, string][] = [
      [{ ...TINY_GEMMA3, vision: { ...TINY_GEMMA3.vision, pool: 3 } }, 'spec.vision.pool'],
      [{ ...TINY_GEMMA3, vision: { ...TINY_GEMMA3.vision, pool: 0 } }, 'spec.vision.pool'],
      [{ ...TINY_GEMMA3, vision: { ...TINY_GEMMA3.vision, cls: true } }, 'spec.vision.pool'],
      [{ ...TINY_PALIGEMMA, text: { ...TINY_PALIGEMMA.text, vocab: 262 } }, 'spec.text.vocab'],
      [{ ...TINY_PALIGEMMA, text: { ...TINY_PALIGEMMA.text, modelType: 'gemma2' } }, 'spec.text.modelType'],
    ];
    for (const [spec, argument] of bad) {
      const error = await writeVlmFolder(join(root, 'never'), spec as VlmSpec).catch((e: unknown) => e);
      expect(isMatryoshkaError(error) && error.argument, `${argument}: ${String(error)}`).toBe(argument);
    }
    await expect(access(join(root, 'never'))).rejects.toThrow();
  });
});
