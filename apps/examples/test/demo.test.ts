import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@matryoshka/core';
import { runDemo } from '../src/demo.js';

describe('the demo (npm run demo)', () => {
  it('builds the default pyramid on the cpu backend and reports every level', async () => {
    const lines = await runDemo({ rows: 24, cols: 24, channels: 64, scales: [576, 144, 36, 9, 1], mode: 'm3' }, () => undefined);
    const text = lines.join('\n');
    expect(text).toContain("Using 'cpu'");
    for (const tokens of ['576', '144', '36', '9', '1']) expect(text).toMatch(new RegExp(`^\\s+${tokens}\\s+\\d+×\\d+\\s+${tokens}\\s`, 'm'));
    expect(text).toContain('744'); // the 2×2 anyres sequence length at 144 tokens per crop
    expect(text).toMatch(/m3\s+576 \/ 144 \/ 36 \/ 9 \/ 1/);
  });

  it('reports impossible requests with the typed error', async () => {
    await expect(runDemo({ rows: 24, cols: 24, channels: 8, scales: [1000], mode: 'm3' }, () => undefined)).rejects.toMatchObject({
      code: ErrorCode.ScaleOutOfRange,
    });
  });
});
