import { ProtoWriter } from './protobuf.js';

// Field numbers and enums from onnx/onnx.proto (IR version 8).
const FLOAT = 1;
const INT64 = 7;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;

/** A dimension: a size, or a name for a size fixed at run time (`'batch'`). */
export type Dim = number | string;
export type AttributeValue = number | string | readonly number[] | { readonly float: number };

export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
  readonly name?: string;
}

export interface OnnxValue {
  readonly name: string;
  readonly dims: readonly Dim[];
}

export interface OnnxInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array | BigInt64Array;
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxInitializer[];
  /** float32 inputs and outputs. */
  readonly inputs: readonly OnnxValue[];
  readonly outputs: readonly OnnxValue[];
}

export const OPSET = 13;

function attribute(name: string, value: AttributeValue): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  if (typeof value === 'string') return w.bytes(4, new TextEncoder().encode(value)).int(20, ATTR_STRING);
  if (typeof value === 'number') return w.int(3, value).int(20, ATTR_INT);
  if ('float' in value) return w.float(2, value.float).int(20, ATTR_FLOAT);
  return w.packedInts(8, value as readonly number[]).int(20, ATTR_INTS);
}

function node(n: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const input of n.inputs) w.string(1, input);
  for (const output of n.outputs) w.string(2, output);
  if (n.name !== undefined) w.string(3, n.name);
  w.string(4, n.op);
  for (const [name, value] of Object.entries(n.attributes ?? {})) w.message(5, attribute(name, value));
  return w;
}

function initializer(t: OnnxInitializer): ProtoWriter {
  const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  // raw_data is little-endian, which every platform ONNX Runtime ships for is.
  return new ProtoWriter()
    .packedInts(1, t.dims)
    .int(2, t.data instanceof Float32Array ? FLOAT : INT64)
    .string(8, t.name)
    .bytes(9, raw);
}

function valueInfo(v: OnnxValue): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims) shape.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
  const tensorType = new ProtoWriter().int(1, FLOAT).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

/** Serializes a graph as an ONNX ModelProto (IR 8, default-domain opset 13). */
export function encodeModel(graph: OnnxGraph, producer = '@matryoshka/encoders'): Uint8Array {
  const g = new ProtoWriter();
  for (const n of graph.nodes) g.message(1, node(n));
  g.string(2, graph.name);
  for (const t of graph.initializers) g.message(5, initializer(t));
  for (const v of graph.inputs) g.message(11, valueInfo(v));
  for (const v of graph.outputs) g.message(12, valueInfo(v));
  return new ProtoWriter().int(1, 8).string(2, producer).message(7, g).message(8, new ProtoWriter().string(1, '').int(2, OPSET)).finish();
}
