// After tsup: starts every published .d.ts with `/// <reference types="@webgpu/types" />`.
// The declarations name GPUBuffer, GPUDevice, … as globals; the reference makes TypeScript load
// them from @webgpu/types for every consumer (skipLibCheck or not, without listing it in their
// `types`). tsup's declaration bundler drops such directives from the source, hence this step.
import { readFileSync, writeFileSync } from 'node:fs';

const REFERENCE = '/// <reference types="@webgpu/types" />\n';
for (const file of ['dist/index.d.ts', 'dist/index.d.cts']) {
  const text = readFileSync(file, 'utf8');
  if (!text.startsWith(REFERENCE)) writeFileSync(file, REFERENCE + text);
}
