import { closeSync, constants, fstatSync, openSync, readSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { ErrorCode, MatryoshkaError, argumentError } from '@matryoshka/core';
import { parseJsonl } from '../records/jsonl.js';

/** Where the CLI reads and writes: the real process by default, buffers in tests. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean };
  readonly cwd: string;
}

/** The real process's streams; a reader that goes away (`| head`) ends the process quietly. */
export const processIo = (): CliIo => {
  guardStreams();
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() };
};

let guarded = false;

/**
 * A closed pipe (EPIPE: `matryoshka-oracle analyze … | head`) is a normal end, not a crash with
 * a stack trace: the process exits with the code it has so far (0 when none). Any other stream
 * error exits 1 without output (the stream it would go to is broken).
 */
function guardStreams(): void {
  if (guarded) return;
  guarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      const code = typeof process.exitCode === 'number' ? process.exitCode : 0;
      process.exit(error.code === 'EPIPE' ? code : 1);
    });
  }
}

/** Input files larger than this are refused before reading (`MATRYOSHKA_MAX_INPUT_BYTES` raises it). */
export const DEFAULT_MAX_INPUT_BYTES = 1024 * 2 ** 20;

function maxInputBytes(): number {
  const raw = typeof process === 'undefined' ? undefined : process.env.MATRYOSHKA_MAX_INPUT_BYTES;
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isSafeInteger(n) && n > 0 ? n : DEFAULT_MAX_INPUT_BYTES;
}

function checkRegular(stats: Stats, file: string, argument: string, limit: number): void {
  if (!stats.isFile()) {
    const kind = stats.isFIFO()
      ? 'a FIFO'
      : stats.isDirectory()
        ? 'a directory'
        : stats.isCharacterDevice() || stats.isBlockDevice()
          ? 'a device'
          : 'not a regular file';
    throw argumentError(ErrorCode.InvalidArgument, argument, `${file} is ${kind}; only regular files are read`);
  }
  if (stats.size > limit) {
    throw argumentError(
      ErrorCode.LimitExceeded,
      argument,
      `${file} is ${stats.size} bytes, above the limit of ${limit}; set MATRYOSHKA_MAX_INPUT_BYTES to read it`,
    );
  }
}

/**
 * A regular file's text, at most `MATRYOSHKA_MAX_INPUT_BYTES` (default 1 GiB). FIFOs, devices
 * (/dev/zero) and folders are refused before reading; the file is opened non-blocking and checked
 * again through its handle, so nothing here can hang or read without end.
 */
export function readText(io: CliIo, file: string, argument: string): string {
  const path = resolve(io.cwd, file);
  const limit = maxInputBytes();
  let fd: number | undefined;
  try {
    checkRegular(statSync(path), file, argument, limit);
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stats = fstatSync(fd);
    checkRegular(stats, file, argument, limit);
    const bytes = Buffer.alloc(stats.size + 1);
    let filled = 0;
    for (;;) {
      const n = readSync(fd, bytes, filled, bytes.length - filled, filled);
      if (n === 0) break;
      filled += n;
      if (filled > stats.size) throw argumentError(ErrorCode.LimitExceeded, argument, `${file} grew while being read`);
    }
    return bytes.subarray(0, filled).toString('utf8');
  } catch (error) {
    if (error instanceof MatryoshkaError) throw error;
    throw argumentError(ErrorCode.InvalidArgument, argument, `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** JSONL from one or more files, in order; bad lines name the file and line. */
export function readJsonl(io: CliIo, files: readonly string[], argument: string): unknown[] {
  return files.flatMap((file) => parseJsonl(readText(io, file, argument), file));
}

/** Writes `text` to `file`; a missing folder or a read-only place is an error naming `argument` (the flag). */
export function writeText(io: CliIo, file: string, text: string, argument: string): void {
  try {
    writeFileSync(resolve(io.cwd, file), text);
  } catch (error) {
    throw argumentError(ErrorCode.InvalidArgument, argument, `cannot write ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
