/**
 * The protobuf wire-format writes an ONNX ModelProto needs: varints, length-delimited fields,
 * packed repeated ints and fixed32 floats. Writing them directly keeps protobufjs out of the
 * dependencies and lets weight bytes go in without an object-tree copy.
 */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private scratch: number[] = [];
  private size = 0;

  /** An int32/int64/enum field; negative values take 10 bytes (two's complement), as protobuf does. */
  int(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    return this.raw(bytes);
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.varint(value.length);
    return this.raw(value);
  }

  message(field: number, writer: ProtoWriter): this {
    return this.bytes(field, writer.finish());
  }

  /** A packed repeated int64/int32 field (parsers accept packed encoding for any repeated scalar). */
  packedInts(field: number, values: readonly (number | bigint)[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const c of this.chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  }

  private tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  private varint(value: number | bigint): void {
    if (typeof value === 'number' && value >= 0 && value < 2 ** 31) {
      let v = value;
      while (v >= 0x80) {
        this.scratch.push((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      this.scratch.push(v);
      return;
    }
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.scratch.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.scratch.push(Number(v));
  }

  private raw(bytes: Uint8Array): this {
    this.flush();
    this.chunks.push(bytes);
    this.size += bytes.length;
    return this;
  }

  private flush(): void {
    if (this.scratch.length === 0) return;
    this.chunks.push(Uint8Array.from(this.scratch));
    this.size += this.scratch.length;
    this.scratch = [];
  }
}
