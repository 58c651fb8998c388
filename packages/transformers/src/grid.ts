import { ErrorCode, MatryoshkaError } from '@matryoshka/core';

/** Where an image's feature rows sit: a rows×cols patch grid, after an optional CLS row. */
export interface FeatureGrid {
  readonly rows: number;
  readonly cols: number;
  /** True when the first feature row is a CLS token (kept as is, never pooled). */
  readonly cls: boolean;
}

/** A caller's explicit grid, for encoders whose grid cannot be inferred (non-square patches). */
export interface GridOverride {
  readonly rows: number;
  readonly cols: number;
  readonly cls?: boolean;
}

/**
 * The patch grid the model's config promises for pixel inputs of `size`×`size`, or `undefined`
 * when the config does not say (then only the feature rows decide).
 */
export function gridFromConfig(
  config: Record<string, unknown>,
  processorConfig: Record<string, unknown> | undefined,
  size: number | undefined,
): { rows: number; cols: number } | undefined {
  const vision = (config.vision_config ?? {}) as Record<string, unknown>;
  // Encoders that pool inside (gemma3: 64×64 patches → 256 tokens) state their token count.
  const perImage = numberField(config.mm_tokens_per_image);
  if (perImage !== undefined) {
    const side = Math.round(Math.sqrt(perImage));
    return side * side === perImage ? { rows: side, cols: side } : undefined;
  }
  const patch = numberField(vision.patch_size) ?? numberField(processorConfig?.patch_size);
  const side = size ?? numberField(vision.image_size);
  if (patch === undefined || side === undefined) return undefined;
  const g = Math.floor(side / patch);
  return g > 0 ? { rows: g, cols: g } : undefined;
}

/**
 * Maps `rows` feature rows per image onto a grid: the override if given, else the config's grid
 * (with or without a CLS row), else a square (or square + 1) count. Anything else is refused,
 * naming the model type, since pooling rows that are not a grid would be silent garbage.
 */
export function inferGrid(
  featureRows: number,
  expected: { rows: number; cols: number } | undefined,
  override: GridOverride | undefined,
  modelType: string,
): FeatureGrid {
  if (override !== undefined) {
    const cells = override.rows * override.cols;
    const cls = override.cls ?? featureRows === cells + 1;
    if (cells + (cls ? 1 : 0) !== featureRows) {
      throw new MatryoshkaError(
        ErrorCode.ShapeMismatch,
        `options.grid: ${override.rows}×${override.cols}${cls ? ' + CLS' : ''} = ${cells + (cls ? 1 : 0)} rows, but the '${modelType}' vision encoder returned ${featureRows} rows per image`,
        { argument: 'options.grid' },
      );
    }
    return { rows: override.rows, cols: override.cols, cls };
  }
  if (expected !== undefined) {
    const cells = expected.rows * expected.cols;
    if (featureRows === cells) return { ...expected, cls: false };
    if (featureRows === cells + 1) return { ...expected, cls: true };
  }
  for (const cls of [false, true]) {
    const side = Math.round(Math.sqrt(featureRows - (cls ? 1 : 0)));
    if (side > 0 && side * side === featureRows - (cls ? 1 : 0) && expected === undefined) return { rows: side, cols: side, cls };
  }
  const promised = expected === undefined ? 'the config names no patch grid' : `the config promises a ${expected.rows}×${expected.cols} grid`;
  throw new MatryoshkaError(
    ErrorCode.UnsupportedModel,
    `model: the '${modelType}' vision encoder returned ${featureRows} rows per image and ${promised}; pass options.grid { rows, cols, cls } for a non-square grid`,
    { argument: 'model' },
  );
}

function numberField(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  if (typeof value === 'object' && value !== null) {
    // `{ height, width }` size objects: only square ones map to one number.
    const v = value as Record<string, unknown>;
    if (typeof v.height === 'number' && v.height === v.width) return numberField(v.height);
  }
  return undefined;
}
