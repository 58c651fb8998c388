import { describe, expect, it } from 'vitest';
import { ErrorCode, assertTokenGrid, splitFrames, stackFrames, tokenCount, tokenGrid } from '../src/index.js';
import { expectMatryoshkaError } from '@matryoshka/testing/expect-error';

describe('tokenGrid', () => {
  it('wraps without copying and defaults frames to 1', () => {
    const data = new Float32Array(2 * 3 * 4);
    const g = tokenGrid(data, { rows: 2, cols: 3, channels: 4 });
    expect(g.data).toBe(data);
    expect(g).toMatchObject({ frames: 1, rows: 2, cols: 3, channels: 4 });
    expect(tokenCount(g)).toBe(6);
    expect(Object.isFrozen(g)).toBe(true);
  });

  it('rejects a data length that does not match the sizes, naming data', () => {
    const e = expectMatryoshkaError(() => tokenGrid(new Float32Array(23), { rows: 2, cols: 3, channels: 4 }), ErrorCode.ShapeMismatch, 'data');
    expect(e.message).toContain('expected 24 values');
    expect(e.message).toContain('got 23');
  });

  it.each([
    ['rows', { rows: 0, cols: 3, channels: 4 }],
    ['cols', { rows: 2, cols: -1, channels: 4 }],
    ['channels', { rows: 2, cols: 3, channels: 1.5 }],
    ['frames', { rows: 2, cols: 3, channels: 4, frames: Number.NaN }],
    ['rows', { rows: '2', cols: 3, channels: 4 }],
  ])('rejects a bad %s', (name, sizes) => {
    expectMatryoshkaError(() => tokenGrid(new Float32Array(24), sizes as never), ErrorCode.InvalidArgument, `sizes.${name}`);
  });

  it('rejects data that is not a Float32Array', () => {
    expectMatryoshkaError(() => tokenGrid([1, 2] as never, { rows: 1, cols: 1, channels: 2 }), ErrorCode.InvalidArgument, 'data');
    expectMatryoshkaError(() => tokenGrid(new Float64Array(2) as never, { rows: 1, cols: 1, channels: 2 }), ErrorCode.InvalidArgument, 'data');
  });
});

describe('assertTokenGrid', () => {
  it('accepts an object literal and fills in frames', () => {
    const g = assertTokenGrid({ data: new Float32Array(8), rows: 2, cols: 2, channels: 2 });
    expect(g.frames).toBe(1);
  });

  it('names the argument it was given', () => {
    expectMatryoshkaError(() => assertTokenGrid(null, 'input'), ErrorCode.InvalidArgument, 'input');
    expectMatryoshkaError(() => assertTokenGrid({ data: new Float32Array(7), rows: 2, cols: 2, channels: 2 }, 'input'), ErrorCode.ShapeMismatch, 'input.data');
  });
});

describe('stackFrames / splitFrames', () => {
  it('stacks same-sized grids as frames and splits them back as views', () => {
    const a = tokenGrid(Float32Array.from([1, 2, 3, 4]), { rows: 1, cols: 2, channels: 2 });
    const b = tokenGrid(Float32Array.from([5, 6, 7, 8]), { rows: 1, cols: 2, channels: 2 });
    const s = stackFrames([a, b]);
    expect(s.frames).toBe(2);
    expect([...s.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const [x, y] = splitFrames(s);
    expect([...y!.data]).toEqual([5, 6, 7, 8]);
    expect(x!.data.buffer).toBe(s.data.buffer);
  });

  it('rejects grids of different sizes', () => {
    const a = tokenGrid(new Float32Array(4), { rows: 1, cols: 2, channels: 2 });
    const b = tokenGrid(new Float32Array(4), { rows: 2, cols: 1, channels: 2 });
    expectMatryoshkaError(() => stackFrames([a, b]), ErrorCode.ShapeMismatch, 'grids[1]');
    expectMatryoshkaError(() => stackFrames([]), ErrorCode.InvalidArgument, 'grids');
  });
});
