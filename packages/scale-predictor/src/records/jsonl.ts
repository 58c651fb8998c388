import { ErrorCode, argumentError } from '@matryoshka/core';
import { arrayOf, describe } from '@matryoshka/core/backend';

/**
 * Parses JSON Lines: one JSON value per line; blank lines and lines starting with `//` are
 * skipped. A bad line is reported with its number, so a large log can be fixed by hand.
 */
export function parseJsonl(text: string, argument = 'text'): unknown[] {
  if (typeof text !== 'string') {
    throw argumentError(ErrorCode.InvalidArgument, argument, `expected JSONL text, got ${describe(text)}`);
  }
  const values: unknown[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('//')) continue;
    try {
      values.push(JSON.parse(line));
    } catch (error) {
      throw argumentError(ErrorCode.InvalidArgument, `${argument} line ${i + 1}`, `not valid JSON (${(error as Error).message})`);
    }
  }
  return values;
}

/** The inverse of `parseJsonl`: one compact JSON value per line, with a final newline. */
export function toJsonl(values: readonly unknown[]): string {
  const list = arrayOf(values, 'values', 'an array of JSON values');
  const lines = list.map((v, i) => {
    let line: string | undefined;
    try {
      line = JSON.stringify(v);
    } catch (error) {
      throw argumentError(ErrorCode.InvalidArgument, `values[${i}]`, `cannot be written as JSON (${(error as Error).message})`);
    }
    if (line === undefined) throw argumentError(ErrorCode.InvalidArgument, `values[${i}]`, `cannot be written as JSON, got ${describe(v)}`);
    return line;
  });
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}
