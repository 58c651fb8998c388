import { PNG } from 'pngjs';
import type { LevelPicture } from '../visual/pyramid-colours.js';

/** An RGBA picture as a `data:image/png;base64,…` URI (pngjs). */
export function pngDataUri(picture: LevelPicture): string {
  const png = new PNG({ width: picture.cols, height: picture.rows });
  png.data = Buffer.from(picture.pixels.buffer, picture.pixels.byteOffset, picture.pixels.byteLength);
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

/** An image file's bytes as a data URI. */
export function fileDataUri(bytes: Uint8Array, format: 'png' | 'jpeg'): string {
  return `data:image/${format};base64,${Buffer.from(bytes).toString('base64')}`;
}
