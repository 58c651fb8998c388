import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ErrorCode, argumentError } from '@matryoshka/core';
import { parseJsonl } from '../records/jsonl.js';

/** Where the CLI reads and writes: the real process by default, buffers in tests. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean };
  readonly cwd: string;
}

export const processIo = (): CliIo => ({ stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });

export function readText(io: CliIo, file: string, argument: string): string {
  try {
    return readFileSync(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    throw argumentError(ErrorCode.InvalidArgument, argument, `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** JSONL from one or more files, in order; bad lines name the file and line. */
export function readJsonl(io: CliIo, files: readonly string[], argument: string): unknown[] {
  return files.flatMap((file) => parseJsonl(readText(io, file, argument), file));
}

export function writeText(io: CliIo, file: string, text: string): void {
  writeFileSync(resolve(io.cwd, file), text);
}
