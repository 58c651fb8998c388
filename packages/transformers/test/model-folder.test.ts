import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '@huggingface/transformers';
import { isMatryoshkaError } from '@matryoshka/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_TOKEN, SPECIAL_TOKENS, TINY_LLAVA, TINY_ONEVISION, writeVlmFolder, type VlmFolderInfo, type VlmSpec } from '../src/testing/index.js';
import { blockNetwork, loadVlm, networkAttempts, testImage } from './support/load-folder.js';
import { pooledRows, ReferenceModel } from './support/reference-decode.js';

const NEW_TOKENS = 10;
let root = '';

beforeAll(async () => {
  blockNetwork();
  root = await mkdtemp(join(tmpdir(), 'matryoshka-vlm-folder-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

function prompt(imageRows: number): string {
  return `<|im_start|>user\n${IMAGE_TOKEN.repeat(imageRows)}\nWhat is in the picture?<|im_end|>\n<|im_start|>assistant\n`;
}

const withCls = (spec: VlmSpec, cls: boolean): VlmSpec => ({ ...spec, vision: { ...spec.vision, cls } });

const CASES: [string, VlmSpec][] = [
  ['llava 24x24', TINY_LLAVA],
  ['llava 24x24 + CLS', withCls(TINY_LLAVA, true)],
  ['llava_onevision 27x27', TINY_ONEVISION],
  ['llava_onevision 27x27 + CLS', withCls(TINY_ONEVISION, true)],
];

describe.each(CASES)('generated %s folder', (label, spec) => {
  let info: VlmFolderInfo;

  beforeAll(async () => {
    info = await writeVlmFolder(join(root, label.replace(/\W+/g, '-')), spec);
  });

  it('has the grid and placeholder layout of its family', () => {
    const grid = spec.family === 'llava' ? 24 : 27;
    expect(info.grid).toBe(grid);
    expect(info.imageTokens).toBe(grid * grid + (spec.vision.cls ? 1 : 0));
    expect(info.imageTokenId).toBe(SPECIAL_TOKENS.image.id);
    expect(info.externalData).toEqual([]);
  });

  it('loads offline in transformers.js and stock generate matches the reference decoder at the full count', async () => {
    const { model, tokenizer, processor } = await loadVlm(info.dir);
    const image = testImage(400, 300);
    const { pixel_values } = spec.family === 'llava' ? await processor.image_processor(image) : await processor(image);
    const size = spec.vision.imageSize;
    expect(pixel_values.dims).toEqual([1, 3, size, size]);

    if (spec.family === 'llava') {
      // LlavaProcessor expands the first placeholder from processor_config.json: grid² + class rows.
      const expanded = await processor(image, `${IMAGE_TOKEN}\nhi`);
      const placeholders = Array.from(expanded.input_ids.data as BigInt64Array).filter((id) => id === BigInt(info.imageTokenId)).length;
      expect(placeholders).toBe(info.imageTokens);
    }

    const text = tokenizer(prompt(info.imageTokens), { add_special_tokens: false });
    const inputIds = Array.from(text.input_ids.data as BigInt64Array, Number);
    expect(inputIds.filter((id) => id === info.imageTokenId)).toHaveLength(info.imageTokens);
    const output = await model.generate({ ...text, pixel_values, max_new_tokens: NEW_TOKENS, do_sample: false });
    const stock = Array.from((output as Tensor).data as BigInt64Array, Number).slice(inputIds.length);

    const reference = await ReferenceModel.load(info.dir);
    try {
      const pixels = { data: pixel_values.data as Float32Array, dims: pixel_values.dims as number[] };
      const decoded = await reference.decode({ inputIds, pixelValues: pixels, maxNewTokens: NEW_TOKENS, eosTokenId: info.eosTokenId });
      expect(decoded.ids.length).toBeGreaterThanOrEqual(8);
      expect(stock).toEqual(decoded.ids);
      // Not degenerate: greedy decoding wanders over several tokens.
      expect(new Set(decoded.ids).size).toBeGreaterThanOrEqual(3);
      // The cache is real: recomputing every step without it gives the same argmax ids.
      expect(await reference.recomputeWithoutCache(decoded.promptEmbeds, decoded.ids)).toEqual(decoded.ids);
      // The image reaches the decoder: pooling to 9 tokens changes the prompt it sees.
      const rows9 = pooledRows(info.grid, spec.vision.cls ?? false, 9);
      const ids9 = tokenizer(prompt(rows9), { add_special_tokens: false }).input_ids;
      const pooled = await reference.decode({ inputIds: Array.from(ids9.data as BigInt64Array, Number), pixelValues: pixels, tokens: [9], maxNewTokens: 2 });
      expect(pooled.promptEmbeds.length).toBe((inputIds.length - info.imageTokens + rows9) * spec.text.hidden);
    } finally {
      await reference.release();
    }
    await model.dispose();
    expect(networkAttempts).toEqual([]);
  });
});

describe('decoder attention mask', () => {
  it('left padding in a batch changes nothing: each row decodes as its prompt alone', async () => {
    const info = await writeVlmFolder(join(root, 'padding'), TINY_ONEVISION);
    const { model, tokenizer } = await loadVlm(info.dir);
    const prompts = ['<|im_start|>user\nA short one.<|im_end|>\n', '<|im_start|>user\nA much longer prompt that forces padding.<|im_end|>\n'];
    tokenizer.padding_side = 'left';
    const batch = tokenizer(prompts, { add_special_tokens: false, padding: true });
    const mask = Array.from(batch.attention_mask.data as BigInt64Array, Number);
    expect(mask.filter((m) => m === 0).length).toBeGreaterThan(10);
    const out = await model.generate({ ...batch, max_new_tokens: 8, do_sample: false });
    const width = (out as Tensor).dims[1]!;
    const rows = Array.from((out as Tensor).data as BigInt64Array, Number);
    const reference = await ReferenceModel.load(info.dir);
    try {
      for (let i = 0; i < prompts.length; i++) {
        const ids = Array.from(tokenizer(prompts[i], { add_special_tokens: false }).input_ids.data as BigInt64Array, Number);
        const alone = await reference.decode({ inputIds: ids, maxNewTokens: 8 });
        expect(rows.slice(i * width + width - 8, (i + 1) * width)).toEqual(alone.ids);
      }
    } finally {
      await reference.release();
      await model.dispose();
    }
  });
});

describe('writeVlmFolder', () => {
  async function files(dir: string): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    for (const name of await readdir(dir, { recursive: true })) {
      if (name.includes('.')) out.set(name, await readFile(join(dir, name)));
    }
    return out;
  }

  it('is deterministic: the same spec and seed give byte-identical files, another seed other weights', async () => {
    const a = await files((await writeVlmFolder(join(root, 'det-a'), TINY_ONEVISION)).dir);
    const b = await files((await writeVlmFolder(join(root, 'det-b'), TINY_ONEVISION)).dir);
    const c = await files((await writeVlmFolder(join(root, 'det-c'), { ...TINY_ONEVISION, seed: 99 })).dir);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [name, bytes] of a) expect(bytes.equals(b.get(name)!), name).toBe(true);
    expect(a.get('onnx/decoder_model_merged.onnx')!.equals(c.get('onnx/decoder_model_merged.onnx')!)).toBe(false);
    expect(a.get('config.json')!.equals(c.get('config.json')!)).toBe(true);
  });

  it('writes external data that transformers.js loads, decoding exactly as the inline folder', async () => {
    const inline = await writeVlmFolder(join(root, 'ext-inline'), TINY_ONEVISION);
    const external = await writeVlmFolder(join(root, 'ext-data'), TINY_ONEVISION, { externalData: 'always' });
    expect(external.externalData).toEqual(['embed_tokens.onnx', 'vision_encoder.onnx', 'decoder_model_merged.onnx']);
    expect(external.files['onnx/decoder_model_merged.onnx_data']).toBeGreaterThan(external.parameters.decoder_model_merged * 4 - 1);
    const config = JSON.parse(await readFile(join(external.dir, 'config.json'), 'utf8'));
    expect(config['transformers.js_config'].use_external_data_format['decoder_model_merged.onnx']).toBe(1);

    const results: number[][] = [];
    for (const info of [inline, external]) {
      const { model, tokenizer, processor } = await loadVlm(info.dir);
      const { pixel_values } = await processor(testImage(64, 64, 3));
      const text = tokenizer(prompt(info.imageTokens), { add_special_tokens: false });
      const out = await model.generate({ ...text, pixel_values, max_new_tokens: 8, do_sample: false });
      results.push(Array.from((out as Tensor).data as BigInt64Array, Number));
      await model.dispose();
    }
    expect(results[1]).toEqual(results[0]);
    expect(networkAttempts).toEqual([]);
  });

  it('rejects bad specs with a MatryoshkaError naming the field', async () => {
    const bad: [unknown, string][] = [
      [{ ...TINY_LLAVA, family: 'qwen2_vl' }, 'spec.family'],
      [{ ...TINY_LLAVA, text: { ...TINY_LLAVA.text, heads: 3 } }, 'spec.text.hidden'],
      [{ ...TINY_ONEVISION, text: { ...TINY_ONEVISION.text, kvHeads: 3 } }, 'spec.text.heads'],
      [{ ...TINY_LLAVA, text: { ...TINY_LLAVA.text, vocab: 100 } }, 'spec.text.vocab'],
      [{ ...TINY_LLAVA, vision: { ...TINY_LLAVA.vision, patchSize: 400 } }, 'spec.vision.patchSize'],
      [{ ...TINY_LLAVA, vision: { ...TINY_LLAVA.vision, cls: 'yes' } }, 'spec.vision.cls'],
      [{ ...TINY_LLAVA, seed: -1 }, 'spec.seed'],
    ];
    for (const [spec, argument] of bad) {
      const error = await writeVlmFolder(join(root, 'never'), spec as VlmSpec).catch((e: unknown) => e);
      expect(isMatryoshkaError(error) && error.argument, argument).toBe(argument);
    }
    await expect(readdir(join(root, 'never'))).rejects.toThrow();
  });
});
