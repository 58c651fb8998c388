import { ErrorCode, argumentError } from '@matryoshka/core';
import { arrayOf, describe } from '@matryoshka/core/backend';

/** Cells are strings or numbers (anything else has no text to pad). */
function checkCells(cells: readonly unknown[], argument: string): void {
  cells.forEach((c, i) => {
    if (typeof c !== 'string' && typeof c !== 'number')
      throw argumentError(ErrorCode.InvalidArgument, `${argument}[${i}]`, `expected a string or a number, got ${describe(c)}`);
  });
}

/** A plain-text table: columns padded to their widest cell, numbers right-aligned. */
export function formatTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  checkCells(arrayOf(headers, 'headers', 'an array of column names'), 'headers');
  arrayOf(rows, 'rows', 'an array of rows').forEach((row, i) => checkCells(arrayOf(row, `rows[${i}]`, 'an array of cells'), `rows[${i}]`));
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const numeric = headers.map((_, c) => rows.every((r) => typeof r[c] === 'number' || /^[-+]?[\d.]+%?$|^–$/.test(String(r[c]))));
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => [...String(r[c] ?? '')].length)));
  const line = (r: readonly (string | number)[]): string =>
    r
      .map((v, c) => {
        const s = String(v);
        const pad = ' '.repeat(widths[c]! - [...s].length);
        return numeric[c] ? pad + s : s + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const percent = (x: number | null): string => (x === null ? '–' : `${(100 * x).toFixed(1)}%`);
export const num = (x: number | null, digits = 2): string => (x === null ? '–' : x.toFixed(digits));
