import { describe, expect, it } from 'vitest';
import * as pooling from '../src/index.js';

// Every value the package exports. An addition (or removal) is an API decision: change the list
// here in the same change, and say so in a changeset.
const EXPORTS = [
  'adaptiveAvgPool2d',
  'avgPool2d',
  'avgPool3d',
  'bilinearResize',
  'buildPyramid',
  'createCpuBackend',
  'maxPool2d',
  'registerCpuBackend',
  'sequentialSample',
  'spatialSample',
];

describe('@matryoshka/pooling', () => {
  it('exports the ops, the pyramid and the cpu backend', () => {
    expect(Object.keys(pooling).sort()).toEqual(EXPORTS);
  });
});
