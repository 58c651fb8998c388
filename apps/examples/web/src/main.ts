import { drawImage, drawPyramid } from './draw.js';
import { decodeImage } from './decode.js';
import { openEncoder } from './encode.js';
import { levelStats } from './level-stats.js';
import { loadMosaicQa, predictScale, type MosaicQa, type MosaicSample } from './mosaic-qa.js';
import { PHOTOS } from './photos.js';
import { poolOnBestBackend } from './pool.js';
import { showPrediction } from './prediction-view.js';

// Must match plugins/default-model.ts (not imported: that file runs in Node).
const MODEL_URL = 'models/mobilenet_v2-block_13_expand_relu.onnx';
const base = new URL(import.meta.env.BASE_URL, document.baseURI);
const params = new URLSearchParams(location.search);
const forceCpu = params.get('backend') === 'cpu';
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let mosaic: MosaicQa | { unavailable: string } = { unavailable: 'loading…' };
let busy = Promise.resolve();

function status(text: string, state: 'busy' | 'done' | 'error'): void {
  $('status').textContent = text;
  document.body.dataset.state = state;
}

/** Decode → encode (ORT wasm) → pool (WebGPU or CPU) → draw; one image at a time. */
function run(name: string, blob: Blob, sample?: MosaicSample): Promise<void> {
  busy = busy.then(async () => {
    try {
      status(`Decoding ${name}…`, 'busy');
      const image = await decodeImage(blob);
      drawImage($('input'), image);
      status('Loading the encoder (onnxruntime-web, wasm)…', 'busy');
      const encoder = await openEncoder(base, MODEL_URL);
      status(`Encoding ${name}…`, 'busy');
      const t = performance.now();
      const grid = await encoder.encode(image);
      const encodeMs = performance.now() - t;
      status('Pooling…', 'busy');
      const pooled = await poolOnBestBackend(grid, forceCpu);
      drawPyramid($('levels'), pooled.pyramid.levels);
      $('backend').textContent = `Pooled on ${pooled.backend === 'webgpu' ? 'WebGPU' : 'the CPU (WebAssembly)'} — ${pooled.reason}`;
      $('backend').className = pooled.backend;
      $('timings').textContent =
        `${image.width}×${image.height} → 384×384 → ${grid.rows}×${grid.cols}×${grid.channels}. ` +
        `Encode ${encodeMs.toFixed(1)} ms (ORT ${encoder.executionProvider}), pool ${pooled.poolMs.toFixed(2)} ms` +
        (pooled.setupMs === undefined ? '' : ` (+ ${pooled.setupMs.toFixed(0)} ms to start WebGPU, once)`) +
        '.';
      const prediction = sample !== undefined && 'predictor' in mosaic ? predictScale(mosaic.predictor, pooled.pyramid, sample) : undefined;
      if (prediction !== undefined && sample !== undefined) showPrediction($('prediction'), sample, prediction);
      else $('prediction').textContent = 'No prediction: the scale predictor was trained on mosaic-QA questions only, so photos get none. Pick a sample below.';
      // What the browser test compares with a Node run of the same image.
      $('result').textContent = JSON.stringify(
        {
          image: name,
          backend: pooled.backend,
          reason: pooled.reason,
          encodeMs,
          poolMs: pooled.poolMs,
          levels: pooled.pyramid.levels.map((l) => levelStats(l)),
          prediction,
        },
        null,
        1,
      );
      status(`Done: ${name}.`, 'done');
    } catch (error) {
      console.error(error);
      status(`Failed on ${name}: ${(error as Error).message}`, 'error');
    }
  });
  return busy;
}

async function runUrl(name: string, url: string, sample?: MosaicSample): Promise<void> {
  const response = await fetch(url);
  if (!response.ok) return status(`${name}: HTTP ${response.status}`, 'error');
  return run(name, await response.blob(), sample);
}

function button(label: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

function setUpInputs(): void {
  for (const [name, url] of Object.entries(PHOTOS)) $('photos').append(button(name, () => void runUrl(name, url)));
  const file = $<HTMLInputElement>('file');
  file.addEventListener('change', () => {
    const f = file.files?.[0];
    if (f !== undefined) void run(f.name, f);
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer?.files[0];
    if (f !== undefined) void run(f.name, f);
  });
}

function showSamples(): void {
  const box = $('samples');
  if (!('predictor' in mosaic)) {
    box.textContent = `The scale predictor is not available (${mosaic.unavailable}). It comes from the mosaic-QA study (apps/examples/models/mosaic-qa).`;
    return;
  }
  box.replaceChildren();
  if (mosaic.note !== '') box.append(Object.assign(document.createElement('p'), { textContent: mosaic.note }));
  mosaic.samples.forEach((s, i) => {
    box.append(button(`${i}: ${s.question}`, () => void runUrl(s.image, new URL(`mosaic-qa/${s.image}`, base).href, s)));
  });
}

async function start(): Promise<void> {
  setUpInputs();
  mosaic = await loadMosaicQa(base);
  showSamples();
  // ?image=chelsea.png or ?sample=0 runs at once (what the browser test uses).
  const photo = params.get('image');
  const sampleIndex = params.get('sample');
  if (photo !== null) {
    const url = PHOTOS[photo];
    return url === undefined ? status(`No bundled photo ${photo}`, 'error') : runUrl(photo, url);
  }
  if (sampleIndex !== null) {
    const sample = 'samples' in mosaic ? mosaic.samples[Number(sampleIndex)] : undefined;
    if (sample === undefined) return status(`No mosaic-QA sample ${sampleIndex}`, 'error');
    return runUrl(sample.image, new URL(`mosaic-qa/${sample.image}`, base).href, sample);
  }
  status('Pick or drop an image.', 'done');
}

void start();
