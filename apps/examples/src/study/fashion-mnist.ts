import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Where Debian's `dataset-fashion-mnist` puts the files (MIT, © Zalando SE). */
export const FASHION_MNIST_DIR = process.env.MATRYOSHKA_FASHION_MNIST ?? '/usr/share/datasets/fashion-mnist';
export const DEBIAN_PACKAGE = 'dataset-fashion-mnist';

export const CLASS_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;
export const ITEM_SIZE = 28;

export interface FashionMnistSplit {
  /** `count × 28 × 28` gray pixels, white items on black. */
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
}

const files = (split: 'train' | 't10k') => ({
  images: path.join(FASHION_MNIST_DIR, `${split}-images-idx3-ubyte.gz`),
  labels: path.join(FASHION_MNIST_DIR, `${split}-labels-idx1-ubyte.gz`),
});

/**
 * Checks the data set is there, or says exactly how to get it. App code never installs system
 * packages itself: `npm run setup:system` (or the apt-get line below) does, once.
 */
export function ensureFashionMnist(): void {
  const wanted = [...Object.values(files('train')), ...Object.values(files('t10k'))];
  const missing = wanted.filter((f) => !existsSync(f));
  if (missing.length > 0) {
    throw new Error(
      `Fashion-MNIST not found (${missing.join(', ')}). Install it with \`sudo apt-get install ${DEBIAN_PACKAGE}\` ` +
        '(or `npm run setup:system`), or set MATRYOSHKA_FASHION_MNIST to a folder holding the four IDX .gz files.',
    );
  }
}

/** Parses an IDX file (big-endian u32 magic whose last byte is the rank, the sizes, raw u8 data). */
export function parseIdx(bytes: Uint8Array, file: string): { dims: number[]; data: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || view.getUint16(0) !== 0 || view.getUint8(2) !== 0x08) throw new Error(`${file}: not an unsigned-byte IDX file`);
  const rank = view.getUint8(3);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const start = 4 + 4 * rank;
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== start + size) throw new Error(`${file}: expected ${start + size} bytes for dims ${dims.join('×')}, got ${bytes.length}`);
  return { dims, data: bytes.subarray(start) };
}

export function loadFashionMnist(split: 'train' | 't10k'): FashionMnistSplit {
  const f = files(split);
  const images = parseIdx(gunzipSync(readFileSync(f.images)), f.images);
  const labels = parseIdx(gunzipSync(readFileSync(f.labels)), f.labels);
  if (images.dims.length !== 3 || images.dims[1] !== ITEM_SIZE || images.dims[2] !== ITEM_SIZE)
    throw new Error(`${f.images}: expected N×28×28, got ${images.dims.join('×')}`);
  if (labels.dims[0] !== images.dims[0]) throw new Error(`${f.labels}: ${labels.dims[0]} labels for ${images.dims[0]} images`);
  return { images: images.data, labels: labels.data, count: images.dims[0]! };
}
