import type { MosaicSample, Prediction } from './mosaic-qa.js';
import { THRESHOLD } from './mosaic-qa.js';

/** A table of p(correct) per scale, the chosen scale marked, and the study's ground truth for the sample. */
export function showPrediction(container: HTMLElement, sample: MosaicSample, prediction: Prediction): void {
  const table = document.createElement('table');
  const head = table.insertRow();
  for (const h of ['tokens', 'p(correct)', 'right in the study', '']) head.insertCell().textContent = h;
  prediction.scales.forEach((scale, i) => {
    const row = table.insertRow();
    const p = prediction.probabilities[i]!;
    row.insertCell().textContent = String(scale);
    const bar = row.insertCell();
    bar.innerHTML = `<span class="bar" style="width:${(100 * p).toFixed(0)}px"></span> ${p.toFixed(3)}`;
    const truth = sample.correctAt[String(scale)];
    row.insertCell().textContent = truth === undefined ? '–' : truth ? 'yes' : 'no';
    row.insertCell().textContent = scale === prediction.chosen ? '← chosen' : '';
    if (scale === prediction.chosen) row.className = 'chosen';
  });
  const question = document.createElement('p');
  question.innerHTML = '<b>Question:</b> ';
  question.append(`${sample.question} (${sample.type})`);
  const summary = document.createElement('p');
  summary.textContent = prediction.reachedThreshold
    ? `Chosen: ${prediction.chosen} tokens, the smallest scale with p ≥ ${THRESHOLD}.`
    : `No scale reaches p ≥ ${THRESHOLD}; chosen: ${prediction.chosen} tokens, the most likely one.`;
  summary.textContent += ` Oracle (smallest scale answered right in the study): ${sample.oracleScale ?? 'none'}; answer: ${sample.answer}.`;
  container.replaceChildren(question, summary, table);
}
