import { open, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { elementCount, type AttributeValue, type GraphBuilder, type GraphNode, type GraphValue, type Initializer } from './onnx-graph.js';
import { ProtoWriter } from './proto.js';
import { TensorRandom } from './random.js';

// Field numbers and enums from onnx/onnx.proto (IR version 8, default-domain opset 17).
const IR_VERSION = 8;
export const OPSET = 17;
const ELEM = { float32: 1, int64: 7 } as const;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;
const DATA_LOCATION_EXTERNAL = 1;
/** Tensor offsets in external data files are page-aligned, so a runtime may map them directly. */
const EXTERNAL_ALIGN = 4096;
/** Random weights are generated and written this many values at a time (4 MiB). */
const CHUNK = 1 << 20;

export interface WriteModelOptions {
  readonly seed: number;
  /** Put every random weight in `<file>_data` next to the model (needed past protobuf's 2 GB limit). */
  readonly externalData: boolean;
  readonly producer?: string;
}

export interface WrittenModel {
  /** Bytes of the `.onnx` file. */
  readonly modelBytes: number;
  /** Bytes of the `.onnx_data` file, 0 when the weights are inline. */
  readonly dataBytes: number;
  /** Number of weight values (parameters) in the graph. */
  readonly parameters: number;
}

/** Fills `out`, the next chunk of the tensor, from the tensor's own stream. */
function fillChunk(init: Initializer & { kind: 'uniform' }, rng: TensorRandom, out: Float32Array): Float32Array {
  return rng.fillUniform(out, init.std, init.mean);
}

function inlineData(init: Initializer, seed: number): Uint8Array {
  if (init.kind === 'data') return new Uint8Array(init.data.buffer, init.data.byteOffset, init.data.byteLength);
  const values = fillChunk(init, new TensorRandom(seed, init.name), new Float32Array(elementCount(init.dims)));
  // raw_data is little-endian, which every platform ONNX Runtime ships for is.
  return new Uint8Array(values.buffer);
}

function attribute(name: string, value: AttributeValue): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  if (typeof value === 'string') return w.bytes(4, new TextEncoder().encode(value)).int(20, ATTR_STRING);
  if (typeof value === 'number') return w.int(3, value).int(20, ATTR_INT);
  if ('float' in value) return w.float(2, value.float).int(20, ATTR_FLOAT);
  return w.packedInts(8, value as readonly number[]).int(20, ATTR_INTS);
}

function node(n: GraphNode, index: number): ProtoWriter {
  const w = new ProtoWriter();
  for (const input of n.inputs) w.string(1, input);
  for (const output of n.outputs) w.string(2, output);
  w.string(3, `${n.op}_${index}`);
  w.string(4, n.op);
  for (const [name, value] of Object.entries(n.attributes)) w.message(5, attribute(name, value));
  return w;
}

function valueInfo(v: GraphValue): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims) shape.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
  const tensorType = new ProtoWriter().int(1, ELEM[v.type]).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

function tensorHeader(init: Initializer): ProtoWriter {
  const type = init.kind === 'data' && init.data instanceof BigInt64Array ? ELEM.int64 : ELEM.float32;
  return new ProtoWriter().packedInts(1, init.dims).int(2, type).string(8, init.name);
}

function externalEntry(key: string, value: string): ProtoWriter {
  return new ProtoWriter().string(1, key).string(2, value);
}

/**
 * Writes `graph` as an ONNX model at `path`. With `externalData`, random weights are streamed to
 * `path + '_data'` chunk by chunk (never more than 4 MiB of weights in memory) and the model file
 * only holds their locations; constants stay inline.
 */
export async function writeOnnxModel(path: string, graph: GraphBuilder, options: WriteModelOptions): Promise<WrittenModel> {
  const g = new ProtoWriter();
  graph.nodes.forEach((n, i) => g.message(1, node(n, i)));
  g.string(2, graph.name);
  let dataBytes = 0;
  let parameters = 0;
  const dataName = `${basename(path)}_data`;
  const handle = options.externalData ? await open(`${path}_data`, 'w') : null;
  try {
    const chunk = new Float32Array(CHUNK);
    for (const init of graph.initializers) {
      const count = elementCount(init.dims);
      if (init.kind === 'uniform') parameters += count;
      if (handle === null || init.kind === 'data') {
        g.message(5, tensorHeader(init).bytes(9, inlineData(init, options.seed)));
        continue;
      }
      const padding = (EXTERNAL_ALIGN - (dataBytes % EXTERNAL_ALIGN)) % EXTERNAL_ALIGN;
      if (padding > 0) await handle.write(new Uint8Array(padding));
      dataBytes += padding;
      const offset = dataBytes;
      const rng = new TensorRandom(options.seed, init.name);
      for (let done = 0; done < count; done += CHUNK) {
        const part = fillChunk(init, rng, chunk.subarray(0, Math.min(CHUNK, count - done)));
        await handle.write(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
      }
      dataBytes += count * 4;
      const header = tensorHeader(init)
        .message(13, externalEntry('location', dataName))
        .message(13, externalEntry('offset', String(offset)))
        .message(13, externalEntry('length', String(count * 4)))
        .int(14, DATA_LOCATION_EXTERNAL);
      g.message(5, header);
    }
  } finally {
    await handle?.close();
  }
  for (const v of graph.inputs) g.message(11, valueInfo(v));
  for (const v of graph.outputs) g.message(12, valueInfo(v));
  const model = new ProtoWriter()
    .int(1, IR_VERSION)
    .string(2, options.producer ?? '@matryoshka/transformers/testing')
    .message(7, g)
    .message(8, new ProtoWriter().string(1, '').int(2, OPSET))
    .finish();
  await writeFile(path, model);
  return { modelBytes: model.length, dataBytes, parameters };
}
