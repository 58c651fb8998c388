import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PRESETS, decodeImage, imageFormat, loadImage, preprocessImage } from '../src/index.js';
import { fixture, fixtureBytes } from './helpers.js';

describe('decoding', () => {
  it('reads PNG and JPEG files, bytes and ArrayBuffers to RGBA', async () => {
    const cat = await loadImage(fixture('chelsea.png'));
    expect([cat.width, cat.height, cat.channels, cat.data.length]).toEqual([451, 300, 4, 451 * 300 * 4]);
    const rocket = await decodeImage(fixtureBytes('rocket.jpg'));
    expect([rocket.width, rocket.height, rocket.channels]).toEqual([640, 427, 4]);
    const buffer = readFileSync(fixture('coffee.png'));
    const coffee = await loadImage(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
    expect([coffee.width, coffee.height]).toEqual([600, 400]);
    expect(imageFormat(fixtureBytes('rocket.jpg'))).toBe('jpeg');
    expect(cat.data[3]).toBe(255); // opaque alpha added to RGB
  });

  it('takes ImageData-like pixels as they are', async () => {
    const pixels = { data: new Uint8ClampedArray(2 * 2 * 4), width: 2, height: 2, colorSpace: 'srgb' };
    expect(await loadImage(pixels)).toBe(pixels);
  });
});

describe('preprocessing', () => {
  const gradient = (width: number, height: number) => {
    const data = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x, y, 200], (y * width + x) * 3);
    return { data, width, height, channels: 3 as const };
  };

  it('same size is the identity for both filters, then (x / 255 − mean) / std', () => {
    const image = gradient(8, 6);
    for (const interpolation of ['bilinear', 'bicubic'] as const) {
      const out = preprocessImage(image, { width: 8, height: 6 }, { preset: 'keras', interpolation, layout: 'nhwc' });
      for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(image.data[i]! / 127.5 - 1, 5);
    }
  });

  it('CLIP-style: shortest side to the size, long side rounded down, centre crop; NCHW planes', () => {
    // 40×20 → 20×10 scale ½, then the centre 10×10 window starts at column 5.
    const image = gradient(40, 20);
    const out = preprocessImage(image, { width: 10, height: 10 }, { preset: 'unit', interpolation: 'bilinear' });
    const red = (x: number, y: number) => out[y * 10 + x]! * 255;
    const green = (x: number, y: number) => out[100 + y * 10 + x]! * 255;
    // Halving a linear ramp with the widened triangle filter gives 2·x + 0.5 away from the borders.
    expect(red(3, 4)).toBeCloseTo(2 * (5 + 3) + 0.5, 3);
    expect(green(3, 4)).toBeCloseTo(2 * 4 + 0.5, 3);
    expect(out[200 + 55]! * 255).toBeCloseTo(200, 3);
  });

  it('stretch ignores the aspect ratio; presets hold the reference values', () => {
    const flat = { data: new Uint8Array(30 * 10 * 4).fill(255), width: 30, height: 10 };
    const out = preprocessImage(flat, { width: 4, height: 4 }, { preset: 'clip', resize: 'stretch' });
    expect(out[0]).toBeCloseTo((1 - PRESETS.clip.mean[0]) / PRESETS.clip.std[0], 5);
    expect(PRESETS.clip).toMatchObject({ resize: 'crop', interpolation: 'bicubic' });
    expect(PRESETS.siglip).toMatchObject({ mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], resize: 'stretch' });
  });
});
