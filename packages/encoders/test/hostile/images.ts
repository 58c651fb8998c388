import { createRequire } from 'node:module';

// Small valid images made here (pngjs / jpeg-js encoders), and copies whose headers declare
// other sizes: the seeds of the decoders' fuzzing and the decompression bombs.
const require = createRequire(import.meta.url);
const { PNG } = require('pngjs') as typeof import('pngjs');
const jpeg = require('jpeg-js') as typeof import('jpeg-js');

function rgba(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) & 0xff;
  return data;
}

export function smallPng(width = 12, height = 9): Uint8Array {
  return new Uint8Array(PNG.sync.write(Object.assign(new PNG({ width, height }), { data: rgba(width, height) })));
}

export function smallJpeg(width = 16, height = 8): Uint8Array {
  return new Uint8Array(jpeg.encode({ data: rgba(width, height), width, height }, 80).data);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A valid small PNG whose IHDR (with a correct CRC) declares `width × height`. */
export function pngDeclaring(width: number, height: number): Uint8Array {
  const bytes = smallPng().slice();
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  view.setUint32(29, crc32(bytes.subarray(12, 29)));
  return bytes;
}

/** A valid small JPEG whose start-of-frame declares `width × height` (at most 65535 each). */
export function jpegDeclaring(width: number, height: number): Uint8Array {
  const bytes = smallJpeg().slice();
  for (let at = 2; at + 9 < bytes.length; ) {
    const marker = bytes[at + 1]!;
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (marker >= 0xc0 && marker <= 0xc3) {
      bytes[at + 5] = height >> 8;
      bytes[at + 6] = height & 0xff;
      bytes[at + 7] = width >> 8;
      bytes[at + 8] = width & 0xff;
      return bytes;
    }
    at += 2 + length;
  }
  throw new Error('no start-of-frame marker in the JPEG');
}
