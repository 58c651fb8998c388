import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AutoModelForImageTextToText, AutoProcessor, AutoTokenizer, env } from '@huggingface/transformers';
import { ErrorCode, MatryoshkaError } from '@matryoshka/core';
import { SUPPORTED_MODEL_TYPES } from '@matryoshka/transformers';

// transformers.js's runtime API is untyped where VLM inputs are concerned.
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface LoadedVlm {
  readonly folder: string;
  readonly modelType: string;
  readonly model: any;
  readonly processor: any;
  readonly tokenizer: any;
}

/**
 * Loads a transformers.js model folder from disk only (no hub, no download): the model, its
 * processor (the image processor for llava_onevision, which has no processor class in
 * transformers.js) and its tokenizer.
 */
export async function loadVlmFolder(folder: string): Promise<LoadedVlm> {
  const dir = path.resolve(folder);
  let config: { model_type?: string };
  try {
    config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8'));
  } catch (error) {
    throw new MatryoshkaError(
      ErrorCode.InvalidArgument,
      `--vlm: ${dir} is not a transformers.js model folder (no readable config.json: ${(error as Error).message})`,
      {
        argument: '--vlm',
        cause: error,
      },
    );
  }
  const modelType = String(config.model_type);
  if (!(SUPPORTED_MODEL_TYPES as readonly string[]).includes(modelType)) {
    throw new MatryoshkaError(
      ErrorCode.UnsupportedModel,
      `--vlm: model type '${modelType}' is not supported (supported: ${SUPPORTED_MODEL_TYPES.join(', ')})`,
      { argument: '--vlm' },
    );
  }
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${path.dirname(dir)}/`;
  const name = path.basename(dir);
  const options = { local_files_only: true } as const;
  const [model, processor, tokenizer] = await Promise.all([
    AutoModelForImageTextToText.from_pretrained(name, { ...options, device: 'cpu', dtype: 'fp32' }),
    AutoProcessor.from_pretrained(name, options),
    AutoTokenizer.from_pretrained(name, options),
  ]);
  return { folder: dir, modelType, model, processor, tokenizer };
}

/**
 * A one-image question in the family's prompt format: PaliGemma's task prefix (`answer en …`,
 * the image tokens lead), else the tokenizer's chat template when it has one and it places the
 * image marker, else the ChatML layout.
 */
export function questionPrompt(tokenizer: any, modelType: string, question: string, marker: string): string {
  if (modelType === 'paligemma') return `${marker}answer en ${question}`;
  if (typeof tokenizer.chat_template === 'string' && tokenizer.chat_template.length > 0) {
    try {
      const content = [{ type: 'image' }, { type: 'text', text: question }];
      const text = tokenizer.apply_chat_template([{ role: 'user', content }], { tokenize: false, add_generation_prompt: true });
      if (typeof text === 'string' && text.split(marker).length === 2) return text;
    } catch {
      // Templates that take only string contents: fall back to ChatML below.
    }
  }
  return `<|im_start|>user\n${marker}\n${question}<|im_end|>\n<|im_start|>assistant\n`;
}
