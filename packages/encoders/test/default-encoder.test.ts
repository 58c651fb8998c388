import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { DEFAULT_ENCODER, loadEncoder, loadImage, preprocessImage, type LoadedEncoder } from '../src/index.js';
import { PHOTOS, fixture, relativeError, tempDir } from './helpers.js';
import { tfjsModel, tfjsRun } from './tfjs-reference.js';

const NSFW_CLASSES = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'];
const cacheDir = tempDir('default-encoder');

describe('the default encoder (MobileNetV2 from nsfwjs, converted to ONNX)', () => {
  let encoder: LoadedEncoder;
  beforeAll(async () => {
    encoder = await loadEncoder(DEFAULT_ENCODER, { ort, cacheDir });
  });
  afterAll(() => encoder.dispose());

  it('gives 24×24×576 grids at 384×384 on the CPU provider', async () => {
    expect(encoder.executionProvider).toBe('cpu');
    expect(encoder.input).toEqual({ name: 'pixel_values', layout: 'nchw', size: { width: 384, height: 384 } });
    expect(encoder.output).toMatchObject({ name: 'block_13_expand_relu', layout: 'nhwc' });
    const grids = await encoder.encode(PHOTOS.map(fixture));
    expect(grids.map((g) => [g.frames, g.rows, g.cols, g.channels])).toEqual(PHOTOS.map(() => [1, 24, 24, 576]));
    for (const g of grids) expect(g.data.every(Number.isFinite)).toBe(true);
  });

  it('matches TensorFlow.js running the same model within 1e-3 on real photos', async () => {
    const tfjs = await tfjsModel('block_13_expand_relu', 384);
    for (const name of PHOTOS) {
      const image = await loadImage(fixture(name));
      const nhwc = preprocessImage(image, { width: 384, height: 384 }, { ...encoder.preprocessing, layout: 'nhwc' });
      const nchw = preprocessImage(image, { width: 384, height: 384 }, { ...encoder.preprocessing, layout: 'nchw' });
      const [grid] = await encoder.encodePixels(nchw);
      const error = relativeError(grid!.data, tfjsRun(tfjs, nhwc, 384));
      console.log(`${name}: relative error vs tfjs ${error.toExponential(2)}`);
      expect(error).toBeLessThan(1e-3);
    }
  });

  it('with the whole NSFW head calls chelsea.png "Neutral" (> 0.99), in ONNX and in TensorFlow.js', async () => {
    const head = await loadEncoder(DEFAULT_ENCODER, { ort, cacheDir, layer: 'dense_3', imageSize: 224, outputLayout: 'nhwc' });
    // nsfwjs's geometry (the whole image stretched to 224×224), Keras's x / 127.5 − 1.
    const image = await loadImage(fixture('chelsea.png'));
    const options = { preset: 'keras', resize: 'stretch' } as const;
    const pixels = preprocessImage(image, { width: 224, height: 224 }, { ...options, layout: 'nhwc' });
    const nchw = preprocessImage(image, { width: 224, height: 224 }, { ...options, layout: 'nchw' });
    const session = (head as unknown as { session: ort.InferenceSession }).session;
    const onnx = (await session.run({ pixel_values: new ort.Tensor('float32', nchw, [1, 3, 224, 224]) })).dense_3!.data as Float32Array;
    const tfjs = tfjsRun(await tfjsModel('dense_3', 224), pixels, 224);
    await head.dispose();
    console.log(`chelsea.png: ONNX ${NSFW_CLASSES.map((c, i) => `${c} ${onnx[i]!.toFixed(5)}`).join(', ')}; tfjs Neutral ${tfjs[2]!.toFixed(5)}`);
    expect(onnx[2]).toBeGreaterThan(0.99);
    expect(tfjs[2]).toBeGreaterThan(0.99);
    expect(relativeError(onnx, tfjs)).toBeLessThan(1e-3);
  });
});
