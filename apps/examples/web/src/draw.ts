import type { PyramidLevel } from '@matryoshka/core';
import { pyramidColours } from '../../src/visual/pyramid-colours.js';

/** On-screen size of every level: each canvas holds one pixel per token, upscaled by CSS (pixelated). */
const SHOWN_PX = 160;

/**
 * One canvas per level, coloured like M3's Figure 1: the full grid's 3 principal components as
 * RGB, every level projected on that basis, so a coarse token shows the mean of those it replaced.
 */
export function drawPyramid(container: HTMLElement, levels: readonly PyramidLevel[]): void {
  const { pictures, pca } = pyramidColours(levels);
  container.replaceChildren();
  levels.forEach((level, i) => {
    const picture = pictures[i]!;
    const canvas = document.createElement('canvas');
    canvas.width = picture.cols;
    canvas.height = picture.rows;
    canvas.style.width = `${SHOWN_PX}px`;
    canvas.style.height = `${(SHOWN_PX * picture.rows) / picture.cols}px`;
    canvas.dataset.tokens = String(level.plan.tokens);
    canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(picture.pixels), picture.cols, picture.rows), 0, 0);
    const figure = document.createElement('figure');
    const caption = document.createElement('figcaption');
    caption.textContent = `${level.plan.tokens} token${level.plan.tokens === 1 ? '' : 's'} (${level.rows}×${level.cols})`;
    figure.append(canvas, caption);
    container.append(figure);
  });
  const note = document.createElement('p');
  note.className = 'note';
  note.textContent =
    pca === null
      ? 'The grid has no variance: every level is drawn grey.'
      : `Colours: the first 3 principal components of the 576 tokens as R, G, B (${pca.explained
          .slice(0, 3)
          .map((e) => `${(100 * e).toFixed(1)} %`)
          .join(', ')} of the variance), the same basis for every level.`;
  container.append(note);
}

/** The decoded image, scaled to fit, next to its pyramid. */
export function drawImage(canvas: HTMLCanvasElement, image: ImageData): void {
  const scale = Math.min(1, SHOWN_PX / Math.max(image.width, image.height));
  canvas.width = Math.round(image.width * scale);
  canvas.height = Math.round(image.height * scale);
  const full = new OffscreenCanvas(image.width, image.height);
  full.getContext('2d')!.putImageData(image, 0, 0);
  canvas.getContext('2d')!.drawImage(full, 0, 0, canvas.width, canvas.height);
}
