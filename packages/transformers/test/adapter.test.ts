/**
 * The adapter end to end on generated models in the exact transformers.js layout: ids from
 * `vlm.generate` equal an independent greedy decode (raw onnxruntime-node sessions + the CPU
 * pyramid) at every scale, the full count reproduces the stock model, and bad input is refused
 * with a coded error before any session runs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, isMatryoshkaError, planLevels } from '@matryoshka/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withMatryoshka, type ImageLevels } from '../src/index.js';
import { IMAGE_TOKEN, TINY_LLAVA, TINY_ONEVISION, writeVlmFolder, type VlmFolderInfo, type VlmSpec } from '../src/testing/index.js';
import { blockNetwork, loadVlm, networkAttempts, testImage, type LoadedVlm } from './support/load-folder.js';
import { ReferenceModel } from './support/reference-decode.js';

const NEW_TOKENS = 8;
let root = '';

beforeAll(async () => {
  blockNetwork();
  root = await mkdtemp(join(tmpdir(), 'matryoshka-adapter-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  expect(networkAttempts).toEqual([]);
});

const question = (images: number) => `<|im_start|>user\n${`${IMAGE_TOKEN}\n`.repeat(images)}What is in the picture?<|im_end|>\n<|im_start|>assistant\n`;
const ids = (tensor: unknown): number[] => Array.from((tensor as { data: BigInt64Array }).data, Number);

interface Fixture {
  info: VlmFolderInfo;
  vlm: LoadedVlm;
  reference: ReferenceModel;
}

async function fixture(name: string, spec: VlmSpec): Promise<Fixture> {
  const info = await writeVlmFolder(join(root, name), spec);
  return { info, vlm: await loadVlm(info.dir), reference: await ReferenceModel.load(info.dir) };
}

/** The reference decode of what `prepare` produced, pooling with the CPU pyramid itself. */
async function referenceIds(f: Fixture, inputs: { input_ids: unknown; pixel_values?: unknown }, tokens: readonly number[], mode: 'm3' | 'adaptive' = 'm3') {
  const pixels = inputs.pixel_values as { data: Float32Array; dims: number[] } | undefined;
  const decoded = await f.reference.decode({
    inputIds: ids(inputs.input_ids),
    ...(pixels ? { pixelValues: { data: pixels.data, dims: pixels.dims } } : {}),
    tokens,
    mode,
    maxNewTokens: NEW_TOKENS,
    eosTokenId: f.info.eosTokenId,
  });
  return decoded.ids;
}

/** Counts ONNX session runs, to prove refusals happen before any session runs. */
function countRuns(model: { sessions: Record<string, { run: (...a: unknown[]) => unknown }> }): () => number {
  let runs = 0;
  for (const session of Object.values(model.sessions)) {
    const run = session.run.bind(session);
    session.run = (...args: unknown[]) => {
      runs++;
      return run(...args);
    };
  }
  return () => runs;
}

describe.each([
  ['llava', TINY_LLAVA, [576, 144, 36, 9, 1], [576, 144, 36, 9, 1]],
  ['llava_onevision', TINY_ONEVISION, [576, 144, 36, 9, 1], [729, 169, 36, 9, 1]],
] as const)('%s', (family, spec, requested, actual) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture(family, spec);
  });
  afterAll(async () => {
    await f.reference.release();
  });

  const adapter = () => withMatryoshka(f.vlm.model, f.vlm.processor, family === 'llava_onevision' ? { tokenizer: f.vlm.tokenizer } : {});

  it.each(requested.map((r, i) => [r, actual[i]!]))('%i tokens → %i visual tokens; ids equal the independent decode', async (r, expected) => {
    const vlm = adapter();
    try {
      const image = testImage(400, 300, r);
      const inputs = await vlm.prepare({ text: question(1), images: [image], tokens: r });
      expect(inputs.visualTokens).toEqual([expected]);
      const out = ids(await f.vlm.model.generate({ ...inputs, max_new_tokens: NEW_TOKENS, do_sample: false })).slice(ids(inputs.input_ids).length);
      expect(out.length).toBeGreaterThan(0);
      expect(out).toEqual(await referenceIds(f, inputs, [r]));
      // vlm.generate is the same thing in one call.
      const again = ids(await vlm.generate({ text: question(1), images: [image], tokens: r, max_new_tokens: NEW_TOKENS, do_sample: false }));
      expect(again.slice(ids(inputs.input_ids).length)).toEqual(out);
    } finally {
      vlm.dispose();
    }
  });

  it('the full count (and null) reproduces the stock model exactly', async () => {
    const image = testImage(320, 480, 7);
    const stockModel = (await loadVlm(f.info.dir)).model; // never wrapped
    const { pixel_values } = await f.vlm.processor.image_processor(image);
    const stockText = question(1).replace(IMAGE_TOKEN, IMAGE_TOKEN.repeat(f.info.imageTokens));
    const stockIds = f.vlm.tokenizer(stockText);
    const stock = ids(await stockModel.generate({ ...stockIds, pixel_values, max_new_tokens: NEW_TOKENS, do_sample: false }));
    const vlm = adapter();
    try {
      for (const tokens of [null, f.info.grid * f.info.grid, ...(family === 'llava' ? [576] : [])]) {
        const inputs = await vlm.prepare({ text: question(1), images: [image], tokens });
        expect(ids(inputs.input_ids)).toEqual(ids(stockIds.input_ids));
        const out = ids(await f.vlm.model.generate({ ...inputs, max_new_tokens: NEW_TOKENS, do_sample: false }));
        expect(out).toEqual(stock);
      }
    } finally {
      vlm.dispose();
    }
  });

  it('one count per image in a two-image prompt: every placeholder expanded', async () => {
    const vlm = adapter();
    try {
      const images = [testImage(300, 300, 1), testImage(500, 200, 2)];
      const inputs = await vlm.prepare({ text: question(2), images, tokens: [144, 9] });
      expect(inputs.visualTokens).toEqual([actual[1], 9]);
      const placeholders = ids(inputs.input_ids).filter((id) => id === f.info.imageTokenId).length;
      expect(placeholders).toBe(actual[1]! + 9);
      const out = ids(await f.vlm.model.generate({ ...inputs, max_new_tokens: NEW_TOKENS, do_sample: false })).slice(ids(inputs.input_ids).length);
      expect(out).toEqual(await referenceIds(f, inputs, [144, 9]));
    } finally {
      vlm.dispose();
    }
  });

  it("a policy gets each image's levels and its choice is used", async () => {
    const seen: ImageLevels[] = [];
    const vlm = adapter();
    try {
      const images = [testImage(300, 300, 3), testImage(300, 300, 4)];
      const inputs = await vlm.prepare({
        text: question(2),
        images,
        tokens: (image) => {
          seen.push(image);
          return image.index === 0 ? 36 : 1;
        },
      });
      expect(seen.map((s) => s.index)).toEqual([0, 1]);
      expect(seen[0]!.pyramid.levels.map((l) => l.plan.tokens)).toEqual(actual);
      expect(seen[0]!.grid).toEqual({ rows: f.info.grid, cols: f.info.grid, cls: false });
      // The levels are the image's own: the two images' 1-token levels differ.
      expect(seen[0]!.pyramid.at(1).data).not.toEqual(seen[1]!.pyramid.at(1).data);
      expect(inputs.visualTokens).toEqual([36, 1]);
      const out = ids(await f.vlm.model.generate({ ...inputs, max_new_tokens: NEW_TOKENS, do_sample: false })).slice(ids(inputs.input_ids).length);
      expect(out).toEqual(await referenceIds(f, inputs, [36, 1]));

      // A batch policy sees every image at once.
      const batch = await vlm.prepare({ text: question(2), images, tokens: { batch: (all) => all.map((i) => (i.index === 0 ? 9 : 144)) } });
      expect(batch.visualTokens).toEqual([9, actual[1]]);
    } finally {
      vlm.dispose();
    }
  });
});

describe('more layouts and modes', () => {
  it('a CLS row stays first and unpooled; visualTokens counts it', async () => {
    const f = await fixture('llava-cls', { ...TINY_LLAVA, vision: { ...TINY_LLAVA.vision, cls: true } });
    const vlm = withMatryoshka(f.vlm.model, f.vlm.processor);
    try {
      const inputs = await vlm.prepare({ text: question(1), images: [testImage(256, 256)], tokens: 36 });
      expect(inputs.visualTokens).toEqual([37]);
      expect(inputs.grid).toEqual({ rows: 24, cols: 24, cls: true });
      const out = ids(await f.vlm.model.generate({ ...inputs, max_new_tokens: NEW_TOKENS, do_sample: false })).slice(ids(inputs.input_ids).length);
      expect(out).toEqual(await referenceIds(f, inputs, [36]));
    } finally {
      vlm.dispose();
      await f.reference.release();
    }
  });

  it("mode 'adaptive' gives exact sizes on 27×27 (144 → 12×12)", async () => {
    const f = await fixture('onevision-adaptive', TINY_ONEVISION);
    const vlm = withMatryoshka(f.vlm.model, f.vlm.processor, { tokenizer: f.vlm.tokenizer, mode: 'adaptive' });
    try {
      const inputs = await vlm.prepare({ text: question(1), images: [testImage(384, 384)], tokens: 144 });
      expect(inputs.visualTokens).toEqual([planLevels({ rows: 27, cols: 27 }, { scales: [144], mode: 'adaptive' })[0]!.tokens]);
      expect(inputs.visualTokens).toEqual([144]);
      const out = ids(await f.vlm.model.generate({ ...inputs, max_new_tokens: NEW_TOKENS, do_sample: false })).slice(ids(inputs.input_ids).length);
      expect(out).toEqual(await referenceIds(f, inputs, [144], 'adaptive'));
    } finally {
      vlm.dispose();
      await f.reference.release();
    }
  });
});

describe('bad input', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture('llava-bad', TINY_LLAVA);
  });
  afterAll(async () => {
    await f.reference.release();
  });

  async function refused(request: Record<string, unknown>, code: string, argument: string) {
    const runs = countRuns(f.vlm.model);
    const before = runs();
    const vlm = withMatryoshka(f.vlm.model, f.vlm.processor);
    try {
      const error = await vlm.prepare({ text: question(1), images: [testImage(64, 64)], ...request } as never).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isMatryoshkaError(error), String(error)).toBe(true);
      expect(error).toMatchObject({ code, argument });
      expect(runs() - before).toBe(0);
    } finally {
      vlm.dispose();
    }
  }

  it.each([
    ['tokens 0', { tokens: 0 }, ErrorCode.ScaleOutOfRange, 'tokens'],
    ['tokens 577 on 24×24', { tokens: 577 }, ErrorCode.ScaleOutOfRange, 'tokens'],
    ['tokens NaN', { tokens: Number.NaN }, ErrorCode.InvalidArgument, 'tokens'],
    ['tokens 2.5', { tokens: 2.5 }, ErrorCode.InvalidArgument, 'tokens'],
    ['a count list of the wrong length', { tokens: [36, 9] }, ErrorCode.ShapeMismatch, 'tokens'],
    [
      'a bad entry in a count list',
      { text: question(2), images: [testImage(8, 8), testImage(8, 8)], tokens: [36, -1] },
      ErrorCode.ScaleOutOfRange,
      'tokens[1]',
    ],
    ['more images than placeholders', { images: [testImage(8, 8), testImage(8, 8)] }, ErrorCode.ShapeMismatch, 'text'],
    ['a placeholder without an image', { images: [] }, ErrorCode.ShapeMismatch, 'text'],
    ['text that is not a string', { text: 42 }, ErrorCode.InvalidArgument, 'text'],
    ['a tokens value of the wrong type', { tokens: 'many' }, ErrorCode.InvalidArgument, 'tokens'],
  ] as const)('%s', async (_label, request, code, argument) => {
    await refused(request, code, argument);
  });

  it('a policy that returns an impossible count is refused, naming the policy', async () => {
    const vlm = withMatryoshka(f.vlm.model, f.vlm.processor, { tokens: () => 1000 });
    try {
      await expect(vlm.prepare({ text: question(1), images: [testImage(64, 64)] })).rejects.toMatchObject({
        code: ErrorCode.ScaleOutOfRange,
        argument: 'tokens(image 0)',
      });
    } finally {
      vlm.dispose();
    }
  });

  it('an unsupported model type is refused at wrap time, naming the type', () => {
    const model = f.vlm.model;
    const type = model.config.model_type;
    model.config.model_type = 'idefics3';
    try {
      expect(() => withMatryoshka(model, f.vlm.processor)).toThrow(
        expect.objectContaining({ code: ErrorCode.UnsupportedModel, message: expect.stringContaining("'idefics3'") }),
      );
    } finally {
      model.config.model_type = type;
    }
    expect(() => withMatryoshka({ config: { model_type: 'llava' } }, f.vlm.processor)).toThrow(expect.objectContaining({ code: ErrorCode.UnsupportedModel }));
    expect(() => withMatryoshka(null, f.vlm.processor)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument, argument: 'model' }));
  });

  it('a processor without a tokenizer asks for options.tokenizer', async () => {
    const { model, processor } = await loadVlm((await writeVlmFolder(join(root, 'onevision-no-tok'), TINY_ONEVISION)).dir);
    expect(() => withMatryoshka(model, processor)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument, argument: 'options.tokenizer' }));
  });

  it('fails loudly when transformers.js bypasses the hook (pooling never silently skipped)', async () => {
    const model = f.vlm.model;
    const vlm = withMatryoshka(model, f.vlm.processor);
    // Simulates an upgrade whose forward no longer calls the instance's encode_image.
    const hook = model.encode_image;
    delete model.encode_image;
    try {
      for (const tokens of [36, null]) {
        await expect(vlm.generate({ text: question(1), images: [testImage(64, 64)], tokens, max_new_tokens: 2 })).rejects.toMatchObject({
          code: ErrorCode.IntegrationBroken,
        });
      }
    } finally {
      model.encode_image = hook;
      vlm.dispose();
    }
  });

  it("dispose restores the model's own encode_image; unprepared inputs run the stock path", async () => {
    const model = f.vlm.model;
    const own = model.encode_image;
    const a = withMatryoshka(model, f.vlm.processor);
    const b = withMatryoshka(model, f.vlm.processor);
    expect(model.encode_image).not.toBe(own);
    a.dispose();
    expect(model.encode_image).not.toBe(own);
    b.dispose();
    expect(model.encode_image).toBe(own);
    expect(Object.hasOwn(model, 'encode_image')).toBe(false);
    await expect(a.prepare({ text: question(0) })).rejects.toMatchObject({ code: ErrorCode.Disposed });
  });
});
