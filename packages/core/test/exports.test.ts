import { describe, expect, it } from 'vitest';
import * as main from '../src/index.js';
import * as kit from '../src/backend-kit/index.js';

// Every value a public entry exports. An addition (or removal) is an API decision: change the
// list here in the same change, and say so in a changeset.
const MAIN = [
  'BACKEND_CONTRACT_VERSION',
  'DEFAULT_MAX_OUTPUT_BYTES',
  'DEFAULT_SCALES',
  'ErrorCode',
  'MatryoshkaError',
  'POOLING_MODES',
  'POOLING_OPS',
  'anyresTokenCount',
  'argumentError',
  'assertTokenGrid',
  'describe',
  'disposeBackends',
  'fromBfloat16',
  'fromFloat16',
  'getBackend',
  'gridShape',
  'isMatryoshkaError',
  'listBackends',
  'oneOf',
  'planLevels',
  'positiveInt',
  'selectBackend',
  'splitFrames',
  'stackFrames',
  'toBfloat16',
  'toFloat16',
  'tokenCount',
  'tokenGrid',
  'videoTokenCount',
];

const BACKEND = [
  'MAX_AXIS',
  'MAX_AXIS_WEIGHTS',
  'MAX_FRAMES',
  'MAX_LEVELS',
  'WindowTable',
  'adaptiveWindows',
  'arrayOf',
  'bilinearWindows',
  'bool',
  'checkOutputBytes',
  'createDevicePyramid',
  'createDeviceResult',
  'createTokenPyramid',
  'describe',
  'disposedError',
  'findLevel',
  'intPair',
  'isSharedMemory',
  'lowerOp',
  'lowerPyramid',
  'maxOutputBytes',
  'nonFiniteError',
  'nonFiniteOption',
  'oneOf',
  'optionsObject',
  'outputTypeOption',
  'overlapsMemory',
  'plainBytes',
  'planOp',
  'poolOutputSize',
  'poolWindows',
  'positiveInt',
  'readProperty',
  'registerBackend',
  'resolvePlanOptions',
  'scheduleLevels',
  'selectLevels',
  'stepOwners',
  'stepWindows',
  'unitWindows',
];

describe('public entries', () => {
  it('@matryoshka/core exports the user vocabulary only (at most 30 values)', () => {
    expect(Object.keys(main).sort()).toEqual(MAIN);
    expect(MAIN.length).toBeLessThanOrEqual(30);
  });

  it('@matryoshka/core/backend exports the backend-author kit', () => {
    expect(Object.keys(kit).sort()).toEqual(BACKEND);
  });
});
