import fc from 'fast-check';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeImage,
  encodeModel,
  imageFormat,
  loadEncoder,
  loadImage,
  outputToGrids,
  preprocessImage,
  resolveOrt,
  resolvePreprocessing,
  type OnnxGraph,
} from '../../src/index.js';
import { attempt, finiteArrays, hostileOptions, junkValue, newTally, show, summary, type Tally } from '@matryoshka/testing/hostile';
import { smallJpeg, smallPng } from './images.js';

// Junk at the encoders' public functions and mutated files at their readers: every call returns
// the right result (pixels of the declared size, finite token grids) or a coded MatryoshkaError
// naming the argument, within its time box.

const tally: Tally = newTally();
afterAll(() => console.log(summary('encoders', tally)));

/** A toy 4×4-patch encoder: `[batch, 3, 8, 8]` → NHWC `[batch, 2, 2, 3]`; `divide` makes it return x / 0. */
function toyModel(divide = false): Uint8Array {
  const weights = new Float32Array(3 * 3 * 4 * 4);
  for (let o = 0; o < 3; o++) weights.fill(1 / 16, (o * 3 + o) * 16, (o * 3 + o + 1) * 16);
  const graph: OnnxGraph = {
    name: 'toy',
    nodes: [
      { op: 'Conv', inputs: ['pixel_values', 'W'], outputs: ['conv'], attributes: { kernel_shape: [4, 4], strides: [4, 4] } },
      ...(divide ? [{ op: 'Div', inputs: ['conv', 'zero'], outputs: ['scaled'] }] : []),
      { op: 'Transpose', inputs: [divide ? 'scaled' : 'conv'], outputs: ['grid'], attributes: { perm: [0, 2, 3, 1] } },
    ],
    initializers: [{ name: 'W', dims: [3, 3, 4, 4], data: weights }, ...(divide ? [{ name: 'zero', dims: [], data: new Float32Array([0]) }] : [])],
    inputs: [{ name: 'pixel_values', dims: ['batch', 3, 8, 8] }],
    outputs: [{ name: 'grid', dims: ['batch', 2, 2, 3] }],
  };
  return encodeModel(graph);
}

const goodImage = (r: unknown): true | string => {
  const img = r as { data: Uint8Array; width: number; height: number; channels?: number };
  return img.data.length === img.width * img.height * (img.channels ?? 4) ? true : 'pixel count';
};

/** Byte-level mutations of a valid file: flips, overwrites, truncation, insertion. */
function mutated(seed: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc
    .array(fc.tuple(fc.constantFrom('flip', 'set', 'cut', 'insert'), fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 })
    .map((edits) => {
      let bytes = seed.slice();
      for (const [kind, at, value] of edits) {
        const i = at % Math.max(1, bytes.length);
        if (kind === 'flip') bytes[i] = bytes[i]! ^ (1 << (value % 8));
        else if (kind === 'set') bytes[i] = value;
        else if (kind === 'cut') bytes = bytes.slice(0, i);
        else bytes = new Uint8Array([...bytes.subarray(0, i), value, ...bytes.subarray(i)]);
      }
      return bytes;
    });
}

describe('encoders under hostile input', () => {
  it('decodes mutated PNG and JPEG files to the declared size or a coded error', async () => {
    for (const seed of [smallPng(), smallJpeg()]) {
      await fc.assert(
        fc.asyncProperty(mutated(seed), async (bytes) => {
          await attempt(tally, {
            label: `decodeImage(mutated ${bytes.length} bytes)`,
            inputs: { bytes },
            timeoutMs: 3000,
            run: () => decodeImage(bytes),
            check: goodImage,
          });
        }),
        { numRuns: 150 },
      );
    }
  });

  it('loadImage and preprocessImage with junk', async () => {
    const input = fc.oneof(
      junkValue(),
      fc.constant(new URL('file:///dev/null')),
      fc.record(
        {
          data: fc.oneof(junkValue(), fc.constant(new Uint8Array(12))),
          width: junkValue(),
          height: junkValue(),
          channels: fc.oneof(fc.constant(undefined), junkValue()),
        },
        { requiredKeys: [] },
      ),
      fc.constant({ data: new Uint8Array(new SharedArrayBuffer(2 * 2 * 4)), width: 2, height: 2 }),
    );
    await fc.assert(
      fc.asyncProperty(
        input,
        fc.oneof(fc.constant(undefined), hostileOptions({ maxPixels: 10 }), fc.record({ maxPixels: junkValue(), maxBytes: junkValue() }, { requiredKeys: [] })),
        fc.oneof(junkValue(), fc.record({ width: fc.integer({ min: 1, max: 40 }), height: fc.integer({ min: 1, max: 40 }) })),
        async (image, limits, size) => {
          await attempt(tally, {
            label: `loadImage(${show(image)}, ${show(limits)})`,
            inputs: { image },
            run: () => loadImage(image as never, 'image', limits as never),
            check: goodImage,
          });
          await attempt(tally, {
            label: `preprocessImage(${show(image)}, ${show(size)})`,
            inputs: { image },
            run: () => preprocessImage(image as never, size as never),
            check: (r) => finiteArrays(r as Float32Array),
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('loadEncoder with junk options; encode and encodePixels with junk and NaN', async () => {
    const model = toyModel();
    const options = fc.oneof(
      hostileOptions({ ort, imageSize: 8 }),
      fc.record(
        {
          ort: fc.constant(ort),
          executionProviders: fc.oneof(fc.constant(undefined), junkValue(), fc.constant([null]), fc.constant(['cpu', { name: 5 }])),
          sessionOptions: fc.oneof(
            fc.constant(undefined),
            junkValue(),
            fc.constant({ intraOpNumThreads: -5 }),
            fc.constant({ graphOptimizationLevel: 'bogus' }),
          ),
          imageSize: fc.oneof(fc.constant(undefined), junkValue(), fc.constantFrom(8, 65536, [8, 8])),
          grid: fc.oneof(fc.constant(undefined), junkValue()),
          cacheDir: fc.oneof(fc.constant(undefined), junkValue()),
          batchSize: fc.oneof(fc.constant(undefined), junkValue()),
          input: fc.oneof(fc.constant(undefined), junkValue()),
          output: fc.oneof(fc.constant(undefined), junkValue()),
          limits: fc.oneof(fc.constant(undefined), junkValue(), fc.record({ maxImagePixels: junkValue() })),
        },
        { requiredKeys: ['ort'] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(options, async (o) => {
        await attempt(tally, {
          label: `loadEncoder(bytes, ${show(o)})`,
          inputs: { o },
          timeoutMs: 10_000,
          run: async () => {
            const encoder = await loadEncoder(model, o as never);
            try {
              return await encoder.encodePixels(new Float32Array(3 * 8 * 8).fill(0.5));
            } finally {
              await encoder.dispose();
            }
          },
          check: (grids) => finiteArrays(...(grids as { data: Float32Array }[]).map((g) => g.data)),
        });
      }),
      { numRuns: 60 },
    );
    const encoder = await loadEncoder(model, { ort });
    const junkImages = fc.oneof(junkValue(), fc.constant([smallPng(8, 8), null]), fc.constant(smallJpeg(8, 8)), fc.constant([,]) /* sparse */); // eslint-disable-line no-sparse-arrays
    await fc.assert(
      fc.asyncProperty(junkImages, async (images) => {
        await attempt(tally, {
          label: `encode(${show(images)})`,
          inputs: { images },
          run: () => encoder.encode(images as never),
          check: (r) => finiteArrays(...[r].flat().map((g) => (g as { data: Float32Array }).data)),
        });
      }),
      { numRuns: 60 },
    );
    for (const pixels of [new Float32Array(192).fill(Number.NaN), new Float32Array(192).fill(Infinity), new Float32Array(5)]) {
      await attempt(tally, { label: `encodePixels(${pixels[0]})`, inputs: { pixels }, run: () => encoder.encodePixels(pixels), check: () => 'must refuse' });
    }
    // Shared memory everywhere a caller may hand bytes or pixels: the right result, never a false provider failure.
    const inShared = <T extends Uint8Array | Float32Array>(view: T): T => {
      const copy = new (view.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(view.byteLength));
      copy.set(view as never);
      return copy;
    };
    await attempt(tally, {
      label: 'encodePixels(shared memory)',
      inputs: {},
      run: () => encoder.encodePixels(inShared(new Float32Array(192).fill(0.5))),
      check: (r) => finiteArrays(...(r as { data: Float32Array }[]).map((g) => g.data)),
    });
    await attempt(tally, {
      label: 'encode(PNG bytes in shared memory)',
      inputs: {},
      run: () => encoder.encode(inShared(smallPng(8, 8))),
      check: (r) => finiteArrays((r as { data: Float32Array }).data),
    });
    await attempt(tally, {
      label: 'loadEncoder(model bytes in shared memory)',
      inputs: {},
      run: async () => {
        const e = await loadEncoder(inShared(model), { ort });
        try {
          return await e.encodePixels(new Float32Array(192).fill(0.25));
        } finally {
          await e.dispose();
        }
      },
      check: (r) => finiteArrays(...(r as { data: Float32Array }[]).map((g) => g.data)),
    });
    await encoder.dispose();
    // A model whose output is not finite: refused, never handed on.
    const broken = await loadEncoder(toyModel(true), { ort });
    await attempt(tally, {
      label: 'a model returning x / 0',
      inputs: {},
      run: () => broken.encodePixels(new Float32Array(192).fill(0.5)),
      check: () => 'must refuse',
    });
    await broken.dispose();
    expect(tally.failing).toEqual([]);
  });

  it('opens mutated ONNX files or refuses them with a coded error', async () => {
    await fc.assert(
      fc.asyncProperty(mutated(toyModel()), async (bytes) => {
        await attempt(tally, {
          label: `loadEncoder(mutated ${bytes.length} bytes)`,
          inputs: { bytes },
          timeoutMs: 10_000,
          run: async () => {
            const encoder = await loadEncoder(bytes, { ort, imageSize: 8 });
            try {
              return await encoder.encodePixels(new Float32Array(3 * encoder.input.size.width * encoder.input.size.height).fill(0.25));
            } finally {
              await encoder.dispose();
            }
          },
          check: (grids) => finiteArrays(...(grids as { data: Float32Array }[]).map((g) => g.data)),
        });
      }),
      { numRuns: 60 },
    );
  });

  it('the small helpers: imageFormat, resolvePreprocessing, outputToGrids, resolveOrt', async () => {
    const j = junkValue();
    await fc.assert(
      fc.asyncProperty(j, j, j, async (a, b, c) => {
        const inputs = { a, b, c };
        await attempt(tally, {
          label: `imageFormat(${show(a)})`,
          inputs,
          run: () => imageFormat(a as Uint8Array),
          check: (r) => (r === undefined || r === 'png' || r === 'jpeg' ? true : String(r)),
        });
        await attempt(tally, { label: `resolvePreprocessing(${show(a)})`, inputs, run: () => resolvePreprocessing(a as never), check: () => true });
        await attempt(tally, {
          label: `outputToGrids(${show(a)}, ${show(b)}, ${show(c)})`,
          inputs,
          run: () => outputToGrids(a as Float32Array, b as number[], c as never, 'output'),
          check: (r) => finiteArrays(...(r as { data: Float32Array }[]).map((g) => g.data)),
        });
        await attempt(tally, {
          label: `resolveOrt(${show(a)})`,
          inputs,
          run: () => (a === undefined ? Promise.resolve(ort) : resolveOrt(a)),
          check: () => true,
        });
      }),
      { numRuns: 150 },
    );
    for (const [data, dims] of [
      [new Float32Array(8).fill(Number.NaN), [1, 2, 2, 2]],
      [new Float32Array(8), [1, 2, 2, 2, 1]],
      [new Float32Array(8), [0, 2, 2, 2]],
      [new Float32Array(8), [3, 2, 2, 2]],
      [new Float32Array(8), [-1, 2, 2, 2]],
    ] as const) {
      await attempt(tally, {
        label: `outputToGrids(${show(dims)})`,
        inputs: { data },
        run: () => outputToGrids(data, dims as unknown as number[], { layout: 'nhwc' }, 'output'),
        check: (r) => finiteArrays(...(r as { data: Float32Array }[]).map((g) => g.data)),
      });
    }
  });

  it('has no failures', () => {
    if (tally.failing.length > 0) console.log([...new Set(tally.failing.map((f) => f.replace(/\(.*?\): /, '(…): ')))].slice(0, 30).join('\n'));
    expect(tally.failing.slice(0, 20)).toEqual([]);
  });
});
