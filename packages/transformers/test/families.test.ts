import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withMatryoshka } from '../src/index.js';
import { TINY_GEMMA3, TINY_PALIGEMMA, writeVlmFolder } from '../src/testing/index.js';
import { blockNetwork, loadVlm, networkAttempts, testImage } from './support/load-folder.js';

let root = '';
beforeAll(async () => {
  blockNetwork();
  root = await mkdtemp(join(tmpdir(), 'matryoshka-families-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});
const ids = (tensor: unknown): number[] => Array.from((tensor as { data: BigInt64Array }).data, Number);

describe('probe', () => {
  it('paligemma', async () => {
    const info = await writeVlmFolder(join(root, 'pg'), TINY_PALIGEMMA);
    const { model, processor, tokenizer } = await loadVlm(info.dir);
    const image = testImage(300, 200);
    const stock = await processor(image, 'caption en');
    console.log(stock.pixel_values.dims, ids(stock.input_ids).length, ids(stock.input_ids).slice(250, 270));
    const out = ids(await model.generate({ ...stock, max_new_tokens: 8, do_sample: false }));
    console.log(out.slice(-8));
    const vlm = withMatryoshka(model, processor);
    const p = await vlm.prepare({ text: 'caption en', images: [image], tokens: null });
    console.log(ids(p.input_ids).length, p.visualTokens);
    console.log(networkAttempts);
  });
  it('gemma3', async () => {
    const info = await writeVlmFolder(join(root, 'g3'), TINY_GEMMA3);
    const { model, processor, tokenizer } = await loadVlm(info.dir);
    const image = testImage(300, 200);
    const text = '<start_of_turn>user\n<start_of_image>Describe.<end_of_turn>\n<start_of_turn>model\n';
    const stock = await processor(text, image);
    console.log(stock.pixel_values.dims, ids(stock.input_ids).length, ids(stock.input_ids).slice(0, 30));
    const out = ids(await model.generate({ ...stock, max_new_tokens: 8, do_sample: false }));
    console.log(out.slice(-8));
    const vlm = withMatryoshka(model, processor);
    const p = await vlm.prepare({ text, images: [image], tokens: 16 });
    console.log(ids(p.input_ids).length, p.visualTokens, p.grid);
  });
});
