import { describe, expect, it } from 'vitest';
import { renderPlot } from '../src/index.js';

const fixed = [1, 9, 36].map((scale, i) => ({ scale, tokens: scale, accuracy: 0.5 + 0.1 * i }));

describe('renderPlot', () => {
  it('draws fixed scales, the oracle, the curves and labelled extra series, with a legend entry each', () => {
    const svg = renderPlot({
      title: 'A <test> & plot',
      fixedLabel: 'M3',
      fixed,
      oracle: { tokens: 4, accuracy: 0.8 },
      curve: [
        { tokens: 2, accuracy: 0.6 },
        { tokens: 20, accuracy: 0.7 },
      ],
      budget: [{ tokens: 9, accuracy: 0.65 }],
      series: [
        { label: 'SS', points: fixed.map((p) => ({ ...p, accuracy: p.accuracy + 0.02 })) },
        {
          label: 'baseline',
          points: [
            { tokens: 1, accuracy: 0.2 },
            { tokens: 36, accuracy: 0.7 },
          ],
          color: '#123456',
          dashed: true,
        },
      ],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('A &lt;test&gt; &amp; plot');
    for (const label of ['M3', 'SS', 'baseline', 'predictor (threshold τ)', 'predictor (budgeted)', 'oracle']) expect(svg).toContain(`>${label}</text>`);
    expect(svg).not.toContain('>fixed scale</text>');
    expect(svg).toContain('stroke="#123456" stroke-width="1.5" stroke-dasharray="5 4"');
    // The y range covers every series: the 20% baseline point sets the floor.
    expect(svg).toContain('>10%</text>');
  });

  it('names the fixed line "fixed scale" by default and needs no extra series', () => {
    const svg = renderPlot({ title: 't', fixed });
    expect(svg).toContain('>fixed scale</text>');
    expect(svg.match(/<path d="M/g)).toHaveLength(2); // the axes and the fixed line
  });
});
