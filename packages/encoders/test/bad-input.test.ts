import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { ErrorCode } from '@matryoshka/core';
import { DEFAULT_ENCODER, decodeImage, loadEncoder, loadImage, preprocessImage } from '../src/index.js';
import { expectMatryoshkaError } from '@matryoshka/testing/expect-error';
import { expectRejection, fixture, fixtureBytes, tempDir } from './helpers.js';

const dir = tempDir('bad-input');
const cacheDir = join(dir, 'cache');

describe('bad models and options get MatryoshkaError naming the argument', () => {
  it('a missing model file', async () => {
    const e = await expectRejection(loadEncoder(join(dir, 'nope.onnx'), { ort }), ErrorCode.InvalidArgument, 'source');
    expect(e.message).toContain('nope.onnx');
  });

  it('a corrupt or empty model file', async () => {
    const corrupt = join(dir, 'corrupt.onnx');
    writeFileSync(corrupt, 'this is not a protobuf model at all');
    const e = await expectRejection(loadEncoder(corrupt, { ort }), ErrorCode.InvalidArgument, 'source');
    expect(e.message).toContain('not a valid ONNX model');
    await expectRejection(loadEncoder(new Uint8Array(0), { ort }), ErrorCode.InvalidArgument, 'source');
    await expectRejection(loadEncoder(42 as never, { ort }), ErrorCode.InvalidArgument, 'source');
  });

  it('a wrong output or input name lists the real ones', async () => {
    const e = await expectRejection(loadEncoder(DEFAULT_ENCODER, { ort, cacheDir, output: 'hidden_states' }), ErrorCode.InvalidArgument, 'options.output');
    expect(e.message).toContain("'block_13_expand_relu'");
    await expectRejection(loadEncoder(DEFAULT_ENCODER, { ort, cacheDir, input: 'image' }), ErrorCode.InvalidArgument, 'options.input');
    await expectRejection(loadEncoder(DEFAULT_ENCODER, { ort, cacheDir, layer: 'block_99_add' }), ErrorCode.InvalidArgument, 'options.layer');
  });

  it('options of the wrong type', async () => {
    await expectRejection(loadEncoder(DEFAULT_ENCODER, { ort: {} as never }), ErrorCode.InvalidArgument, 'options.ort');
    await expectRejection(loadEncoder(DEFAULT_ENCODER, { ort, executionProviders: [] }), ErrorCode.InvalidArgument, 'options.executionProviders');
    await expectRejection(loadEncoder(DEFAULT_ENCODER, { ort, batchSize: 0 }), ErrorCode.InvalidArgument, 'options.batchSize');
    await expectRejection(
      loadEncoder(DEFAULT_ENCODER, { ort, preprocess: { preset: 'vgg' as never } }),
      ErrorCode.InvalidArgument,
      'options.preprocess.preset',
    );
    await expectRejection(loadEncoder(DEFAULT_ENCODER, { ort, preprocess: { std: [1, 0, 1] } }), ErrorCode.InvalidArgument, 'options.preprocess.std');
    await expectRejection(loadEncoder(fixtureBytes('chelsea.png'), { ort, layer: 'Conv1' }), ErrorCode.InvalidArgument, 'options.layer');
  });
});

describe('sizes that do not fit the encoder', () => {
  it('an image size the default encoder cannot tile, or a fixed-size model cannot take', async () => {
    const e = await expectRejection(loadEncoder(DEFAULT_ENCODER, { ort, cacheDir, imageSize: 100 }), ErrorCode.ShapeMismatch, 'options.imageSize');
    expect(e.message).toContain('multiple of 16');
  });

  it('pixels of the wrong length, and images of the wrong size when resize is none', async () => {
    const encoder = await loadEncoder(DEFAULT_ENCODER, { ort, cacheDir, imageSize: 32, preprocess: { resize: 'none' } });
    await expectRejection(encoder.encodePixels(new Float32Array(3 * 31 * 32)), ErrorCode.ShapeMismatch, 'pixels');
    await expectRejection(encoder.encode([fixture('chelsea.png')]), ErrorCode.ShapeMismatch, 'images[0]');
    const grid = await encoder.encode({ data: new Uint8Array(32 * 32 * 3), width: 32, height: 32, channels: 3 });
    expect([grid.rows, grid.cols, grid.channels]).toEqual([2, 2, 576]);
    await encoder.dispose();
    await expectRejection(encoder.encode(fixture('chelsea.png')), ErrorCode.Disposed);
  });
});

describe('inputs that are not images', () => {
  it('bytes that are neither PNG nor JPEG, or a truncated PNG', async () => {
    const e = await expectRejection(decodeImage(new TextEncoder().encode('GIF89a...')), ErrorCode.InvalidArgument, 'bytes');
    expect(e.message).toContain('not a PNG or JPEG');
    const truncated = fixtureBytes('chelsea.png').subarray(0, 5000);
    const t = await expectRejection(loadImage(truncated, 'images[1]'), ErrorCode.InvalidArgument, 'images[1]');
    expect(t.message).toContain('corrupt PNG');
    await expectRejection(loadImage(fixtureBytes('rocket.jpg').subarray(0, 300)), ErrorCode.InvalidArgument, 'image');
  });

  it('a missing file, a text file, pixels with the wrong length, and non-images', async () => {
    await expectRejection(loadImage(join(dir, 'missing.png')), ErrorCode.InvalidArgument, 'image');
    await expectRejection(loadImage(fixture('README.md')), ErrorCode.InvalidArgument, 'image');
    await expectRejection(loadImage({ data: new Uint8Array(10), width: 4, height: 4 }), ErrorCode.ShapeMismatch, 'image.data');
    await expectRejection(loadImage({ data: new Float32Array(64), width: 4, height: 4 } as never), ErrorCode.InvalidArgument, 'image.data');
    await expectRejection(loadImage({ data: new Uint8Array(32), width: 4, height: 4, channels: 2 as never }), ErrorCode.InvalidArgument, 'image.channels');
    await expectRejection(loadImage(42 as never), ErrorCode.InvalidArgument, 'image');
    const encoder = await loadEncoder(DEFAULT_ENCODER, { ort, cacheDir, imageSize: 32 });
    await expectRejection(encoder.encode([fixture('chelsea.png'), fixture('README.md')]), ErrorCode.InvalidArgument, 'images[1]');
    await expectRejection(encoder.encode([]), ErrorCode.InvalidArgument, 'images');
    await encoder.dispose();
  });

  it('preprocessImage checks its arguments synchronously', () => {
    const image = { data: new Uint8Array(16), width: 2, height: 2 };
    expectMatryoshkaError(() => preprocessImage(image, { width: 0, height: 2 }), ErrorCode.InvalidArgument, 'size.width');
    expectMatryoshkaError(() => preprocessImage(image, { width: 2, height: 2 }, { layout: 'chw' as never }), ErrorCode.InvalidArgument, 'options.layout');
    expectMatryoshkaError(() => preprocessImage(image, { width: 2, height: 2 }, { resize: 'fit' as never }), ErrorCode.InvalidArgument, 'options.resize');
  });
});
