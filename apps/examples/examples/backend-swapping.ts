/**
 * The same code on every backend: `listBackends()` says which ones work here (and why the others
 * do not), `getBackend(name)` hands one over, and every backend answers the same call with the
 * same numbers. Run: npx tsx examples/backend-swapping.ts
 * (WebGPU without a GPU: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json, Debian's chromium.)
 */
import { disposeBackends, getBackend, listBackends, tokenGrid } from '@matryoshka/core';
import '@matryoshka/pooling'; // registers 'cpu'
import '@matryoshka/backend-webgpu'; // registers 'webgpu'
import '@matryoshka/backend-cuda'; // registers 'cuda'

// A 24×24 grid of 64-channel tokens, as an encoder would give.
const grid = tokenGrid(
  Float32Array.from({ length: 24 * 24 * 64 }, (_, i) => Math.sin(i * 0.37)),
  { rows: 24, cols: 24, channels: 64 },
);

const reference = (await (await (await getBackend('cpu')).buildPyramid(grid)).read()).levels;
for (const status of await listBackends()) {
  if (!status.available) {
    console.log(`${status.name.padEnd(7)} unavailable: ${status.reason}`);
    continue;
  }
  const backend = await getBackend(status.name); // the same call whichever it is
  const pyramid = await backend.buildPyramid(grid, { scales: [576, 144, 36, 9, 1], mode: 'm3' });
  const levels = (await pyramid.read()).levels; // device levels come back to the CPU in one await
  pyramid.dispose();
  const diff = Math.max(...levels.map((l, i) => Math.max(...l.data.map((v, k) => Math.abs(v - reference[i]!.data[k]!)))));
  console.log(`${status.name.padEnd(7)} available: levels ${levels.map((l) => l.plan.tokens).join('/')}, max |difference| from cpu ${diff.toExponential(1)}`);
}
console.log(`getBackend() picks: ${(await getBackend()).name}`);
await disposeBackends(); // frees GPU devices so the process can exit
