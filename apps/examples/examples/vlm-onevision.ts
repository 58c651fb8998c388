/**
 * A LLaVA-OneVision model from a folder on disk, asked one question about one picture at its full
 * 729 visual tokens and at 36 (M3 pooling through @matryoshka/transformers): both answers and times.
 * Run: npx tsx examples/vlm-onevision.ts <model-folder> [image]
 * The folder is what transformers.js loads (config.json, tokenizer files, onnx/*.onnx), e.g. a
 * download of an onnx-community llava-onevision model. Without a folder, a tiny random-weight model
 * is generated first: its answers are random, its bookkeeping and timings are real.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AutoProcessor, AutoTokenizer, LlavaOnevisionForConditionalGeneration, RawImage, env } from '@huggingface/transformers';
import { withMatryoshka } from '@matryoshka/transformers';
import { TINY_ONEVISION, writeVlmFolder } from '@matryoshka/transformers/testing';

const folder = path.resolve(
  process.argv[2] ?? (await writeVlmFolder(path.join(await mkdtemp(path.join(tmpdir(), 'vlm-')), 'tiny-onevision'), TINY_ONEVISION)).dir,
);
const picture = process.argv[3] ?? fileURLToPath(new URL('../images/chelsea.png', import.meta.url));

// Local files only: nothing is downloaded.
env.allowRemoteModels = false;
env.localModelPath = `${path.dirname(folder)}/`;
const name = path.basename(folder);
const model = await LlavaOnevisionForConditionalGeneration.from_pretrained(name, { local_files_only: true, dtype: 'fp32' });
const processor = await AutoProcessor.from_pretrained(name, { local_files_only: true }); // image processor only
const tokenizer = await AutoTokenizer.from_pretrained(name, { local_files_only: true }); // transformers.js has no OneVision processor

const vlm = withMatryoshka(model, processor, { tokenizer });
const image = await RawImage.read(picture);
const text = '<|im_start|>user\n<image>\nWhat is in the picture? Answer briefly.<|im_end|>\n<|im_start|>assistant\n';

for (const tokens of [576, 36]) {
  const started = performance.now();
  const inputs = await vlm.prepare({ text, images: [image], tokens });
  const ids = (await model.generate({ ...inputs, max_new_tokens: 24, do_sample: false })) as { data: BigInt64Array };
  const seconds = (performance.now() - started) / 1000;
  const prompt = inputs.input_ids.dims.at(-1)!;
  const answer = tokenizer.decode(Array.from(ids.data).slice(prompt), { skip_special_tokens: true }).trim();
  console.log(
    `${tokens} tokens asked → ${inputs.visualTokens[0]} visual tokens, prompt ${prompt} tokens, ${seconds.toFixed(2)} s (vision ${inputs.timings.encodeMs.toFixed(0)} ms, pooling ${inputs.timings.poolMs.toFixed(1)} ms)`,
  );
  console.log(`  answer: ${JSON.stringify(answer)}`);
}
vlm.dispose();
await model.dispose();
