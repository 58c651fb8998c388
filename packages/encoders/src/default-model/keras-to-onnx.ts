import { ErrorCode, argumentError } from '@matryoshka/core';
import { describe } from '@matryoshka/core/backend';
import type { OnnxGraph, OnnxInitializer, OnnxNode } from '../onnx/model.js';
import type { KerasLayer, KerasModel } from './keras-model.js';

/** The graph's input: `[batch, 3, height, width]` float32 (NCHW, like ONNX exports of PyTorch models). */
export const INPUT_NAME = 'pixel_values';

type Weights = KerasModel['weights'];

function unsupported(layer: KerasLayer, what: string): never {
  throw argumentError(ErrorCode.InvalidArgument, 'model', `layer ${layer.name} (${layer.class_name}): ${what} is not supported by the converter`);
}

function weight(weights: Weights, name: string): { shape: readonly number[]; data: Float32Array } {
  const w = weights.get(name);
  if (w === undefined) throw argumentError(ErrorCode.ShapeMismatch, 'model', `weight ${name} is missing from the manifest`);
  return w;
}

function inbound(layer: KerasLayer): string[] {
  if (layer.inbound_nodes.length > 1) unsupported(layer, 'a layer called more than once');
  return (layer.inbound_nodes[0] ?? []).map((n) => n[0]);
}

/** The layers `target` depends on, itself included, in the topology's (topological) order. */
function ancestors(layers: readonly KerasLayer[], target: string): KerasLayer[] {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const keep = new Set<string>();
  const stack = [target];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (keep.has(name)) continue;
    const layer = byName.get(name);
    if (layer === undefined) throw argumentError(ErrorCode.InvalidArgument, 'options.layer', `no layer named ${describe(name)}`);
    keep.add(name);
    stack.push(...inbound(layer));
  }
  return layers.filter((l) => keep.has(l.name));
}

/** Conv weights with BatchNorm folded in: W' = W·γ/√(σ²+ε) per output channel, b' = (b−μ)·γ/√(σ²+ε) + β. */
function foldBatchNorm(kernel: Float32Array, bias: Float32Array, bn: KerasLayer, weights: Weights, outChannels: number): void {
  const epsilon = typeof bn.config.epsilon === 'number' ? bn.config.epsilon : 1e-3;
  const gamma = bn.config.scale === false ? undefined : weight(weights, `${bn.name}/gamma`).data;
  const beta = bn.config.center === false ? undefined : weight(weights, `${bn.name}/beta`).data;
  const mean = weight(weights, `${bn.name}/moving_mean`).data;
  const variance = weight(weights, `${bn.name}/moving_variance`).data;
  const perChannel = kernel.length / outChannels;
  for (let o = 0; o < outChannels; o++) {
    const s = (gamma?.[o] ?? 1) / Math.sqrt(variance[o]! + epsilon);
    for (let i = o * perChannel; i < (o + 1) * perChannel; i++) kernel[i] = kernel[i]! * s;
    bias[o] = (bias[o]! - mean[o]!) * s + (beta?.[o] ?? 0);
  }
}

/** Keras `[kh, kw, in, out]` (or depthwise `[kh, kw, in, multiplier]`) to ONNX `[out, in/group, kh, kw]`. */
function onnxKernel(shape: readonly number[], data: Float32Array, depthwise: boolean): { dims: number[]; data: Float32Array } {
  const [kh, kw, cin, cout] = shape as [number, number, number, number];
  const out = depthwise ? cin * cout : cout;
  const inPerGroup = depthwise ? 1 : cin;
  const result = new Float32Array(data.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < cin; i++) {
        for (let o = 0; o < cout; o++) {
          const src = ((y * kw + x) * cin + i) * cout + o;
          // Depthwise output channel i·multiplier + o reads input channel i only.
          const dst = depthwise ? (((i * cout + o) * 1 + 0) * kh + y) * kw + x : ((o * inPerGroup + i) * kh + y) * kw + x;
          result[dst] = data[src]!;
        }
      }
    }
  }
  return { dims: [out, inPerGroup, kh, kw], data: result };
}

function renamed(node: OnnxNode, from: string, to: string): OnnxNode {
  const swap = (names: readonly string[]): string[] => names.map((n) => (n === from ? to : n));
  return { ...node, inputs: swap(node.inputs), outputs: swap(node.outputs) };
}

function pair(value: unknown, layer: KerasLayer, key: string): [number, number] {
  if (Array.isArray(value) && value.length === 2 && value.every((v) => Number.isInteger(v))) return [value[0] as number, value[1] as number];
  return unsupported(layer, `${key} ${describe(value)}`);
}

/**
 * Converts a Keras layers model (Conv2D / DepthwiseConv2D / BatchNormalization / ReLU(6) / Add /
 * ZeroPadding2D / AveragePooling2D / Flatten / Dense / Dropout, channels-last) into an ONNX graph
 * that ends at `target`. BatchNorm is folded into the convolution before it and ZeroPadding2D into
 * the convolution after it, so the graph is plain Conv/Clip/Add. Input NCHW `[batch, 3, H, W]`;
 * a 4-D output is transposed back to NHWC, the token grid's layout.
 */
export function kerasToOnnx(model: KerasModel, target: string): OnnxGraph {
  const layers = ancestors(model.layers, target);
  const consumers = new Map<string, string[]>();
  for (const l of layers) for (const from of inbound(l)) consumers.set(from, [...(consumers.get(from) ?? []), l.name]);
  const byName = new Map(layers.map((l) => [l.name, l]));
  const soleConsumer = (name: string): KerasLayer | undefined => {
    const c = consumers.get(name);
    return c?.length === 1 ? byName.get(c[0]!) : undefined;
  };

  const nodes: OnnxNode[] = [];
  const initializers: OnnxInitializer[] = [];
  const tensorOf = new Map<string, string>(); // Keras layer → the ONNX value holding its output
  const pending = new Map<string, [number, number, number, number]>(); // ZeroPadding2D folded into the next conv
  const folded = new Set<string>();
  const rank = new Map<string, number>();
  const constant = (name: string, dims: number[], data: Float32Array | BigInt64Array): string => {
    initializers.push({ name, dims, data });
    return name;
  };
  constant('relu6_min', [], new Float32Array([0]));
  constant('relu6_max', [], new Float32Array([6]));
  const input = (layer: KerasLayer, i = 0): string => tensorOf.get(inbound(layer)[i]!)!;

  for (const layer of layers) {
    const c = layer.config;
    const name = layer.name;
    switch (layer.class_name) {
      case 'InputLayer':
        tensorOf.set(name, INPUT_NAME);
        rank.set(name, 4);
        break;
      case 'ZeroPadding2D': {
        const next = soleConsumer(name);
        const [[top, bottom], [left, right]] = (c.padding as [[number, number], [number, number]]) ?? [
          [0, 0],
          [0, 0],
        ];
        if (next === undefined || !['Conv2D', 'DepthwiseConv2D'].includes(next.class_name) || next.config.padding !== 'valid') {
          unsupported(layer, 'padding not followed by a valid convolution');
        }
        pending.set(next.name, [top, left, bottom, right]);
        tensorOf.set(name, input(layer));
        rank.set(name, 4);
        break;
      }
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const depthwise = layer.class_name === 'DepthwiseConv2D';
        if (c.data_format !== undefined && c.data_format !== 'channels_last') unsupported(layer, `data_format ${describe(c.data_format)}`);
        if (c.activation !== 'linear') unsupported(layer, `activation ${describe(c.activation)}`);
        const k = weight(model.weights, `${name}/${depthwise ? 'depthwise_kernel' : 'kernel'}`);
        const kernel = onnxKernel(k.shape, k.data, depthwise);
        const outChannels = kernel.dims[0]!;
        const bias = c.use_bias === true ? Float32Array.from(weight(model.weights, `${name}/bias`).data) : new Float32Array(outChannels);
        const [kh, kw] = pair(c.kernel_size, layer, 'kernel_size');
        const strides = pair(c.strides, layer, 'strides');
        const dilations = pair(c.dilation_rate ?? [1, 1], layer, 'dilation_rate');
        let pads = pending.get(name) ?? [0, 0, 0, 0];
        if (c.padding === 'same') {
          // Stride-1 'same' pads (k−1)·d, the smaller half first, exactly as TensorFlow does.
          if (strides[0] !== 1 || strides[1] !== 1) unsupported(layer, "'same' padding with stride > 1");
          const th = (kh - 1) * dilations[0];
          const tw = (kw - 1) * dilations[1];
          pads = [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)];
        }
        const bn = soleConsumer(name);
        const output = bn?.class_name === 'BatchNormalization' ? bn.name : name;
        if (output !== name) {
          foldBatchNorm(kernel.data, bias, bn!, model.weights, outChannels);
          folded.add(output);
        }
        nodes.push({
          op: 'Conv',
          name,
          inputs: [input(layer), constant(`${name}/W`, kernel.dims, kernel.data), constant(`${name}/B`, [outChannels], bias)],
          outputs: [output],
          attributes: {
            kernel_shape: [kh, kw],
            strides,
            dilations,
            pads,
            group: depthwise ? k.shape[2]! : 1,
          },
        });
        tensorOf.set(name, output);
        tensorOf.set(output, output);
        rank.set(output, 4);
        break;
      }
      case 'BatchNormalization':
        if (!folded.has(name)) unsupported(layer, 'BatchNormalization not directly after a convolution');
        break;
      case 'ReLU': {
        if ((c.negative_slope ?? 0) !== 0 || (c.threshold ?? 0) !== 0) unsupported(layer, 'leaky or thresholded ReLU');
        const max = c.max_value;
        nodes.push(
          typeof max === 'number'
            ? {
                op: 'Clip',
                name,
                inputs: [input(layer), 'relu6_min', max === 6 ? 'relu6_max' : constant(`${name}/max`, [], new Float32Array([max]))],
                outputs: [name],
              }
            : { op: 'Relu', name, inputs: [input(layer)], outputs: [name] },
        );
        tensorOf.set(name, name);
        rank.set(name, rank.get(inbound(layer)[0]!) ?? 4);
        break;
      }
      case 'Add': {
        const sources = inbound(layer);
        if (sources.length !== 2) unsupported(layer, `${sources.length} inputs`);
        nodes.push({ op: 'Add', name, inputs: [input(layer, 0), input(layer, 1)], outputs: [name] });
        tensorOf.set(name, name);
        rank.set(name, 4);
        break;
      }
      case 'AveragePooling2D': {
        if (c.padding !== 'valid') unsupported(layer, `padding ${describe(c.padding)}`);
        const kernel = pair(c.pool_size, layer, 'pool_size');
        nodes.push({
          op: 'AveragePool',
          name,
          inputs: [input(layer)],
          outputs: [name],
          attributes: { kernel_shape: kernel, strides: pair(c.strides ?? kernel, layer, 'strides') },
        });
        tensorOf.set(name, name);
        rank.set(name, 4);
        break;
      }
      case 'Flatten':
        // Keras flattens channels-last: go back to NHWC first so the order matches the Dense weights.
        nodes.push({ op: 'Transpose', name: `${name}/nhwc`, inputs: [input(layer)], outputs: [`${name}/nhwc`], attributes: { perm: [0, 2, 3, 1] } });
        nodes.push({ op: 'Flatten', name, inputs: [`${name}/nhwc`], outputs: [name], attributes: { axis: 1 } });
        tensorOf.set(name, name);
        rank.set(name, 2);
        break;
      case 'Dropout':
        tensorOf.set(name, input(layer)); // identity at inference
        rank.set(name, rank.get(inbound(layer)[0]!) ?? 2);
        break;
      case 'Dense': {
        if (rank.get(inbound(layer)[0]!) !== 2) unsupported(layer, 'a Dense layer on a grid');
        const k = weight(model.weights, `${name}/kernel`);
        const units = k.shape[1]!;
        const bias = c.use_bias === false ? new Float32Array(units) : weight(model.weights, `${name}/bias`).data;
        const activation = c.activation ?? 'linear';
        const linear = activation === 'linear' ? name : `${name}/linear`;
        nodes.push({
          op: 'Gemm',
          name: linear,
          inputs: [input(layer), constant(`${name}/W`, [...k.shape], k.data), constant(`${name}/B`, [units], bias)],
          outputs: [linear],
        });
        if (activation === 'relu') nodes.push({ op: 'Relu', name, inputs: [linear], outputs: [name] });
        else if (activation === 'softmax') nodes.push({ op: 'Softmax', name, inputs: [linear], outputs: [name], attributes: { axis: -1 } });
        else if (activation !== 'linear') unsupported(layer, `activation ${describe(activation)}`);
        tensorOf.set(name, name);
        rank.set(name, 2);
        break;
      }
      default:
        unsupported(layer, 'this layer type');
    }
  }

  // The graph's output carries the layer's name; a grid is transposed back to NHWC on the way out.
  const source = tensorOf.get(target)!;
  const outputRank = rank.get(target) ?? 4;
  const finalNodes = outputRank === 4 ? nodes.map((n) => renamed(n, target, `${target}/nchw`)) : nodes;
  const from = outputRank === 4 && source === target ? `${target}/nchw` : source;
  if (outputRank === 4) finalNodes.push({ op: 'Transpose', name: `${target}/nhwc`, inputs: [from], outputs: [target], attributes: { perm: [0, 2, 3, 1] } });
  else if (from !== target) finalNodes.push({ op: 'Identity', name: `${target}/out`, inputs: [from], outputs: [target] });
  return {
    name: 'mobilenet_v2',
    nodes: finalNodes,
    initializers,
    inputs: [{ name: INPUT_NAME, dims: ['batch', 3, 'height', 'width'] }],
    outputs: [{ name: target, dims: outputRank === 4 ? ['batch', 'rows', 'cols', 'channels'] : ['batch', 'features'] }],
  };
}
