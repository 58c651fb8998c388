import { optionsObject, positiveInt } from '../validate.js';
import { poolOutputSize } from '../plan/windows.js';
import { ErrorCode, argumentError } from '../errors.js';

export interface VideoLayout {
  frames: number;
  /** The pooled grid of one frame. */
  level: { rows: number; cols: number };
  /** Frames averaged together (`avg_pool3d`'s temporal kernel, stride equal, floor). Default 1. */
  temporalKernel?: number;
}

export interface VideoTokens {
  /** Frames left after temporal pooling. */
  readonly frames: number;
  readonly perFrame: number;
  readonly total: number;
}

/** Tokens of a video after per-frame pooling and optional temporal pooling. */
export function videoTokenCount(layout: VideoLayout): VideoTokens {
  const v = optionsObject(layout, 'layout');
  const frames = positiveInt(v.frames, 'layout.frames');
  const level = optionsObject(v.level, 'layout.level');
  const rows = positiveInt(level.rows, 'layout.level.rows');
  const cols = positiveInt(level.cols, 'layout.level.cols');
  const tk = v.temporalKernel === undefined ? 1 : positiveInt(v.temporalKernel, 'layout.temporalKernel');
  if (tk > frames) {
    throw argumentError(ErrorCode.KernelTooLarge, 'layout.temporalKernel', `a temporal window of ${tk} does not fit ${frames} frames`);
  }
  const outFrames = poolOutputSize(frames, tk, tk, false);
  const perFrame = rows * cols;
  const total = outFrames * perFrame;
  if (!Number.isSafeInteger(total)) {
    throw argumentError(ErrorCode.LimitExceeded, 'layout', `${outFrames} frames × ${perFrame} tokens is not an exact integer count (above 2^53 - 1)`);
  }
  return Object.freeze({ frames: outFrames, perFrame, total });
}
