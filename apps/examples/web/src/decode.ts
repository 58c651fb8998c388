/**
 * PNG/JPEG → RGBA pixels with the browser's own decoder (the encoders package decodes bytes with
 * pngjs, which needs Node's zlib). No colour-space conversion, so a PNG gives the file's exact
 * values, as in Node; JPEG decoders may differ from jpeg-js by a level or so per pixel.
 */
export async function decodeImage(blob: Blob): Promise<ImageData> {
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (ctx === null) throw new Error('no 2D canvas context');
    ctx.drawImage(bitmap, 0, 0);
    return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}
