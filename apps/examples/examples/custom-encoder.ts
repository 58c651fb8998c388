/**
 * Your own ONNX vision encoder: any model whose output is a patch grid works. Here a tiny one is
 * built in code (a 16×16 stride-16 patch embedding, 3 → 8 channels, then ReLU) with
 * `encodeModel`, written to a temp file and loaded like an exported CLIP or SigLIP tower.
 * Run: npx tsx examples/custom-encoder.ts
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeModel, loadEncoder } from '@matryoshka/encoders';
import { buildPyramid } from '@matryoshka/pooling';

const C = 8; // channels per token
const P = 16; // patch size: 384×384 pixels → 24×24 tokens
// Each output channel mixes the patch's mean red, green and blue with its own signs.
const weights = Float32Array.from({ length: C * 3 * P * P }, (_, i) => {
  const [out, rgb] = [Math.floor(i / (3 * P * P)), Math.floor(i / (P * P)) % 3];
  return ((out >> rgb) & 1 ? 1 : -1) / (P * P);
});
const model = encodeModel({
  name: 'tiny_patch_encoder',
  nodes: [
    { op: 'Conv', inputs: ['pixel_values', 'W', 'B'], outputs: ['patches'], attributes: { kernel_shape: [P, P], strides: [P, P] } },
    { op: 'Relu', inputs: ['patches'], outputs: ['features'] },
  ],
  initializers: [
    { name: 'W', dims: [C, 3, P, P], data: weights },
    { name: 'B', dims: [C], data: new Float32Array(C).fill(0.1) },
  ],
  inputs: [{ name: 'pixel_values', dims: ['batch', 3, 384, 384] }],
  outputs: [{ name: 'features', dims: ['batch', C, 24, 24] }], // NCHW, like a CNN
});
const file = path.join(mkdtempSync(path.join(tmpdir(), 'matryoshka-example-')), 'tiny-encoder.onnx');
writeFileSync(file, model);

// Sizes and layout are read from the model; CLIP preprocessing (resize, centre crop, normalise) by default.
const encoder = await loadEncoder(file);
console.log(
  `loaded ${path.basename(file)} (${model.byteLength} bytes) on ${encoder.executionProvider}: input ${encoder.input.layout} ${encoder.input.size.width}×${encoder.input.size.height}, output '${encoder.output.name}' (${encoder.output.layout})`,
);
const photo = fileURLToPath(new URL('../images/coffee.png', import.meta.url));
const grid = await encoder.encode(photo);
await encoder.dispose();
console.log(`coffee.png → a ${grid.rows}×${grid.cols}×${grid.channels} token grid`);
for (const level of buildPyramid(grid).levels) {
  console.log(
    `  ${String(level.plan.tokens).padStart(3)} tokens (${level.rows}×${level.cols}), first token [${Array.from(level.data.subarray(0, 4), (v) => v.toFixed(3)).join(', ')}, …]`,
  );
}
