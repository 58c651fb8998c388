import { ErrorCode, MatryoshkaError, argumentError } from '@matryoshka/core';
import { describe } from '@matryoshka/core/backend';
import { nodeFs } from '../node-modules.js';

export interface ReadLimit {
  /** Bytes at most. */
  readonly maxBytes: number;
  /** The option that raises `maxBytes`, for the error message (`options.limits.maxImageBytes`). */
  readonly option: string;
}

/**
 * Reads a whole regular file with a byte cap. Anything else is refused before a byte is read:
 * a FIFO (whose open would block forever), a device such as /dev/zero (endless), a directory or a
 * socket. The file is opened non-blocking and checked again through the open handle, so swapping
 * the path for a FIFO between the checks cannot hang the call, and a file growing past the cap
 * while being read is refused too.
 */
export async function readRegularFile(path: string | URL, limit: ReadLimit, argument: string, what: string): Promise<Uint8Array> {
  const fs = await nodeFs();
  const name = String(path);
  const fail = (cause: unknown): never => {
    throw new MatryoshkaError(ErrorCode.InvalidArgument, `${argument}: cannot read ${what} ${name} (${(cause as Error)?.message ?? String(cause)})`, {
      argument,
      cause,
    });
  };
  const stats = await fs.promises.stat(path).catch(fail);
  checkStats(stats, limit, argument, what, name);
  const flags = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);
  const handle = await fs.promises.open(path, flags).catch(fail);
  try {
    const opened = await handle.stat();
    checkStats(opened, limit, argument, what, name);
    const out = new Uint8Array(opened.size);
    let filled = 0;
    while (filled < out.length) {
      const { bytesRead } = await handle.read(out, filled, out.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    // One byte more than the size said means the file grew while being read: refuse, never read on.
    const probe = new Uint8Array(1);
    if ((await handle.read(probe, 0, 1, filled)).bytesRead > 0) {
      throw tooLarge(argument, what, name, `more than ${filled}`, limit);
    }
    return filled === out.length ? out : out.subarray(0, filled);
  } catch (error) {
    if (error instanceof MatryoshkaError) throw error;
    return fail(error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function checkStats(stats: import('node:fs').Stats, limit: ReadLimit, argument: string, what: string, name: string): void {
  if (!stats.isFile()) {
    const kind = stats.isFIFO()
      ? 'a FIFO'
      : stats.isCharacterDevice() || stats.isBlockDevice()
        ? 'a device'
        : stats.isDirectory()
          ? 'a directory'
          : stats.isSocket()
            ? 'a socket'
            : 'not a regular file';
    throw argumentError(ErrorCode.InvalidArgument, argument, `${what} ${name} is ${kind}; only regular files are read`);
  }
  if (stats.size > limit.maxBytes) throw tooLarge(argument, what, name, String(stats.size), limit);
}

function tooLarge(argument: string, what: string, name: string, size: string, limit: ReadLimit): MatryoshkaError {
  return new MatryoshkaError(
    ErrorCode.LimitExceeded,
    `${argument}: ${what} ${name} is ${size} bytes, above the limit of ${limit.maxBytes}; raise ${limit.option} to read it`,
    { argument },
  );
}

/** A limit option: a positive safe integer, else the default. */
export function limitOption(value: unknown, fallback: number, argument: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw argumentError(ErrorCode.InvalidArgument, argument, `expected a positive integer, got ${describe(value)}`);
  }
  return value;
}
