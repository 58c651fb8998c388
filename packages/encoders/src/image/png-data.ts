import { ErrorCode, MatryoshkaError } from '@matryoshka/core';

/**
 * Checks that a PNG's compressed image data inflates to exactly the bytes its header describes,
 * before the decoder runs: a truncated or padded stream would otherwise be decoded into an image
 * of the declared size filled from uninitialized memory (pngjs does so, now and then). The
 * inflate is capped at the expected size plus one byte, so a decompression bomb stops there.
 */
export async function checkPngData(bytes: Uint8Array, argument: string): Promise<void> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const corrupt = (why: string): never => {
    throw new MatryoshkaError(ErrorCode.InvalidArgument, `${argument}: a corrupt PNG image (${why})`, { argument });
  };
  if (bytes.length < 33) corrupt('too short for a header');
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const depth = bytes[24]!;
  const colour = bytes[25]!;
  const interlace = bytes[28]!;
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[colour];
  if (channels === undefined || ![1, 2, 4, 8, 16].includes(depth) || interlace > 1)
    corrupt(`colour type ${colour}, bit depth ${depth}, interlace ${interlace}`);
  const rowBytes = (w: number) => 1 + Math.ceil((w * channels! * depth) / 8);
  let expected = 0;
  if (interlace === 0) expected = height * rowBytes(width);
  else {
    for (const [x0, y0, dx, dy] of [
      [0, 0, 8, 8],
      [4, 0, 8, 8],
      [0, 4, 4, 8],
      [2, 0, 4, 4],
      [0, 2, 2, 4],
      [1, 0, 2, 2],
      [0, 1, 1, 2],
    ] as const) {
      const w = width > x0 ? Math.ceil((width - x0) / dx) : 0;
      const h = height > y0 ? Math.ceil((height - y0) / dy) : 0;
      if (w > 0 && h > 0) expected += h * rowBytes(w);
    }
  }
  // The IDAT chunks, concatenated (chunk: length, type, data, CRC).
  const parts: Uint8Array[] = [];
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (at + 12 + length > bytes.length) corrupt(`chunk ${JSON.stringify(type)} runs past the end of the file`);
    if (type === 'IDAT') parts.push(bytes.subarray(at + 8, at + 8 + length));
    if (type === 'IEND') break;
    at += 12 + length;
  }
  if (parts.length === 0) corrupt('no image data');
  const zlib = await import('node:zlib');
  let inflated: Uint8Array;
  try {
    inflated = zlib.inflateSync(Buffer.concat(parts), { maxOutputLength: expected + 1, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch (cause) {
    return corrupt(`its image data does not inflate to ${expected} bytes (${(cause as Error).message})`);
  }
  if (inflated.length !== expected) corrupt(`its image data inflates to ${inflated.length} bytes, the header needs ${expected}`);
}
