// The runner-agnostic helpers (no Node API, no test runner): usable from a browser page too.
// Node-only or vitest-only helpers have their own subpaths (`/fixtures`, `/expect-error`, `/hostile`, `/chromium`).
export { int, random, seededFloats } from './random.js';
export { relativeError, worstDifference } from './relative-error.js';
export { fixtureOp, fixturePyramid, type FixtureCase, type FixtureLevel, type FixtureOpCall } from './fixture-requests.js';
