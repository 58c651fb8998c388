/** A level's numbers as the page reports them: enough to compare with a Node run of the same image. */
export interface LevelStats {
  readonly tokens: number;
  readonly rows: number;
  readonly cols: number;
  readonly channels: number;
  readonly mean: number;
  readonly maxAbs: number;
  /** The first values of the first token. */
  readonly first: readonly number[];
}

interface Level {
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;
  readonly channels: number;
}

/** DOM-free, so the browser test computes the same summary from the Node pyramid. */
export function levelStats(level: Level, firstCount = 8): LevelStats {
  const n = level.rows * level.cols * level.channels;
  let sum = 0;
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    const v = level.data[i]!;
    sum += v;
    if (Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
  }
  return {
    tokens: level.rows * level.cols,
    rows: level.rows,
    cols: level.cols,
    channels: level.channels,
    mean: sum / n,
    maxAbs,
    first: Array.from(level.data.subarray(0, Math.min(firstCount, n))),
  };
}
