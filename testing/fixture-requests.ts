// What each PyTorch fixture case asks of a backend, as plain data: imports nothing, so the
// browser bundle of the WebGPU suite can use it as well as every Node test.

/** One level of a PyTorch reference case (fields as in manifest.json; which are set depends on `op`). */
export interface FixtureLevel {
  file: string;
  rows: number;
  cols: number;
  tokens: number;
  frames?: number;
  requested?: number;
  kernel?: number;
  temporalKernel?: number;
}

/** One case of `testing/fixtures/pytorch/manifest.json`. */
export interface FixtureCase {
  name: string;
  op: 'm3-floor' | 'avg-ceil' | 'adaptive-avg' | 'bilinear' | 'max-floor' | 'video-avg';
  rows: number;
  cols: number;
  channels: number;
  frames?: number;
  input: string;
  levels: FixtureLevel[];
}

/** An op call as every backend takes it: the op's name and the CPU functions' options. */
export interface FixtureOpCall {
  op: 'avgPool2d' | 'maxPool2d' | 'adaptiveAvgPool2d' | 'bilinearResize' | 'avgPool3d';
  options: Record<string, unknown>;
}

/** The single op (and its options) that produced one fixture level. */
export function fixtureOp(c: FixtureCase, level: FixtureLevel): FixtureOpCall {
  switch (c.op) {
    case 'm3-floor':
      return { op: 'avgPool2d', options: { kernel: level.kernel } };
    case 'avg-ceil':
      return { op: 'avgPool2d', options: { kernel: level.kernel, ceilMode: true } };
    case 'adaptive-avg':
      return { op: 'adaptiveAvgPool2d', options: { rows: level.rows, cols: level.cols } };
    case 'bilinear':
      return { op: 'bilinearResize', options: { rows: level.rows, cols: level.cols } };
    case 'max-floor':
      return { op: 'maxPool2d', options: { kernel: level.kernel } };
    case 'video-avg':
      return { op: 'avgPool3d', options: { temporalKernel: level.temporalKernel, kernel: level.kernel } };
  }
}

/** The scales and mode that ask a pyramid for exactly a case's levels; undefined where no pyramid does. */
export function fixturePyramid(c: FixtureCase): { mode: 'm3' | 'ceil' | 'adaptive' | 'bilinear'; scales: number[] } | undefined {
  const cells = c.rows * c.cols;
  switch (c.op) {
    case 'm3-floor':
      return { mode: 'm3', scales: c.levels.map((l) => l.requested!) };
    case 'avg-ceil':
      // The m3 rule gives kernel k back for floor(H·W / k²) requested tokens.
      return { mode: 'ceil', scales: c.levels.map((l) => Math.floor(cells / l.kernel! ** 2)) };
    case 'adaptive-avg':
      return { mode: 'adaptive', scales: c.levels.map((l) => l.tokens) };
    case 'bilinear':
      return { mode: 'bilinear', scales: c.levels.map((l) => l.tokens) };
    default:
      return undefined;
  }
}
