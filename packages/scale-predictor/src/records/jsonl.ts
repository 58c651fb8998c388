import { ErrorCode, argumentError, describe } from '@matryoshka/core';

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
  return values.map((v) => JSON.stringify(v)).join('\n') + (values.length > 0 ? '\n' : '');
}
