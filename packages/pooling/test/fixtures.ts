import { tokenGrid, type TokenGrid } from '@matryoshka/core';
import { loadFloats, type FixtureCase } from '../../../testing/fixtures.js';

export { FIXTURE_DIR, loadFloats, loadManifest, relativeError, type FixtureCase, type FixtureLevel } from '../../../testing/fixtures.js';

export function inputGrid(c: FixtureCase): TokenGrid {
  return tokenGrid(loadFloats(c.input), { frames: c.frames ?? 1, rows: c.rows, cols: c.cols, channels: c.channels });
}
