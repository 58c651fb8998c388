/** A dimension: a size, or a name for a size fixed at run time (`'batch_size'`). */
export type Dim = number | string;
export type ElemType = 'float32' | 'int64';
export type AttributeValue = number | string | readonly number[] | { readonly float: number };

export interface GraphNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

export interface GraphValue {
  readonly name: string;
  readonly type: ElemType;
  readonly dims: readonly Dim[];
}

/** A weight filled at write time from the tensor's own seeded stream (never held for the whole graph). */
export interface RandomInit {
  readonly name: string;
  readonly dims: readonly number[];
  readonly kind: 'uniform';
  readonly std: number;
  readonly mean: number;
}

/** A small constant held in memory (shapes, axes, scalars, rotary frequencies). */
export interface DataInit {
  readonly name: string;
  readonly dims: readonly number[];
  readonly kind: 'data';
  readonly data: Float32Array | BigInt64Array;
}

export type Initializer = RandomInit | DataInit;

/**
 * Builds an ONNX graph op by op. Names of intermediate values are generated (`t0`, `t1`…), so a
 * graph is a plain function of its spec and serialises byte-identically every time.
 */
export class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  readonly initializers: Initializer[] = [];
  readonly inputs: GraphValue[] = [];
  readonly outputs: GraphValue[] = [];
  private counter = 0;
  private readonly constants = new Map<string, string>();

  constructor(readonly name: string) {}

  input(name: string, dims: readonly Dim[], type: ElemType = 'float32'): string {
    this.inputs.push({ name, type, dims });
    return name;
  }

  /** Marks `value` as a graph output named `name` (through an Identity when the names differ). */
  output(value: string, name: string, dims: readonly Dim[], type: ElemType = 'float32'): void {
    if (value !== name) this.op('Identity', [value], {}, [name]);
    this.outputs.push({ name, type, dims });
  }

  /** A random weight: uniform with the given mean and standard deviation. */
  weight(name: string, dims: readonly number[], std: number, mean = 0): string {
    this.initializers.push({ name, dims, kind: 'uniform', std, mean });
    return name;
  }

  /** A float32 constant; identical constants share one initializer. */
  floats(values: readonly number[] | Float32Array, dims: readonly number[] = [values.length]): string {
    return this.constant(Float32Array.from(values), dims, 'f');
  }

  /** An int64 constant; identical constants share one initializer. */
  ints(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant(
      BigInt64Array.from(values, (v) => BigInt(v)),
      dims,
      'i',
    );
  }

  /** Adds a node and returns its single output. */
  op(op: string, inputs: readonly string[], attributes: Readonly<Record<string, AttributeValue>> = {}, outputs?: readonly string[]): string {
    return this.opN(op, inputs, attributes, outputs ?? 1)[0]!;
  }

  /** Adds a node with several outputs. */
  opN(op: string, inputs: readonly string[], attributes: Readonly<Record<string, AttributeValue>>, outputs: number | readonly string[]): string[] {
    const names = typeof outputs === 'number' ? Array.from({ length: outputs }, () => `t${this.counter++}`) : [...outputs];
    this.nodes.push({ op, inputs, outputs: names, attributes });
    return names;
  }

  private constant(data: Float32Array | BigInt64Array, dims: readonly number[], tag: string): string {
    const key = `${tag}:${dims.join('x')}:${Array.from(data as ArrayLike<number | bigint>).join(',')}`;
    const existing = this.constants.get(key);
    if (existing !== undefined) return existing;
    const name = `const_${this.constants.size}`;
    this.constants.set(key, name);
    this.initializers.push({ name, dims, kind: 'data', data });
    return name;
  }
}

/** Number of elements of an initializer. */
export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}
