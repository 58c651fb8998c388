import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@matryoshka/core';
import { analyzeOracle, buildSampleTable, parseJsonl } from '../src/index.js';
import { expectMatryoshkaError } from '@matryoshka/testing/expect-error';
import { EXAMPLE, recordsFrom } from './helpers.js';

const example = parseJsonl(readFileSync(EXAMPLE, 'utf8'));

describe('analyzeOracle on the shipped example (8 samples × 5 scales, figures worked out by hand)', () => {
  const a = analyzeOracle(example, { groupBy: ['type'] });

  it('accuracy per scale, the best fixed scale and the oracle', () => {
    expect(a.samples).toBe(8);
    expect(a.scales.map((s) => s.accuracy)).toEqual([2 / 8, 3 / 8, 5 / 8, 5 / 8, 6 / 8]);
    expect(a.scales.map((s) => s.meanTokens)).toEqual([1, 9, 36, 144, 576]);
    expect(a.bestFixed.scale).toBe(576);
    expect(a.oracle).toEqual({ correct: 7, accuracy: 7 / 8, unanswered: 1, meanTokens: (1 + 1 + 9 + 9 + 36 + 144 + 576 + 1) / 8 });
  });

  it('the distribution of oracle scales', () => {
    expect(a.oracleScales.map((o) => [o.scale, o.count])).toEqual([
      [1, 2],
      [9, 2],
      [36, 1],
      [144, 1],
      [576, 1],
      [null, 1],
    ]);
    expect(a.oracleScales.reduce((s, o) => s + o.share, 0)).toBeCloseTo(1, 12);
  });

  it('how often more tokens hurt, overall and per step', () => {
    expect(a.moreTokensHurt.samples).toBe(3); // q3 (36 → 144), q5 (144 → 576), q8 (1 → 9)
    expect(a.moreTokensHurt.share).toBe(3 / 8);
    expect(a.moreTokensHurt.steps.map((s) => [s.from, s.to, s.lost, s.gained])).toEqual([
      [1, 9, 1, 2],
      [9, 36, 0, 2],
      [36, 144, 1, 1],
      [144, 576, 1, 2],
    ]);
  });

  it('per-group breakdowns, in order of first appearance', () => {
    expect(a.groups.map((g) => [g.value, g.samples, g.oracle.accuracy, g.oracle.meanTokens, g.moreTokensHurt.samples])).toEqual([
      ['color', 2, 1, 5, 0],
      ['scene', 2, 1, 5, 2],
      ['counting', 2, 1, 90, 1],
      ['ocr', 2, 0.5, (576 + 1) / 2, 0],
    ]);
    expect(a.groups[2]!.scales.map((s) => s.accuracy)).toEqual([0, 0, 0.5, 1, 0.5]);
  });

  it('reports the options every figure depends on', () => {
    expect(a.options).toEqual({ unanswered: 'smallest', threshold: 0.5, missing: 'error', scales: [1, 9, 36, 144, 576], groupBy: ['type'] });
    expect(a.counts).toEqual({ records: 40, duplicates: 0, ignored: 0, samplesDropped: 0, missingCells: 0 });
  });
});

describe('the open choices', () => {
  it('unanswered samples charged the smallest, the largest, or excluded', () => {
    const answered = 1 + 1 + 9 + 9 + 36 + 144 + 576;
    expect(analyzeOracle(example, { unanswered: 'smallest' }).oracle.meanTokens).toBe((answered + 1) / 8);
    expect(analyzeOracle(example, { unanswered: 'largest' }).oracle.meanTokens).toBe((answered + 576) / 8);
    const excluded = analyzeOracle(example, { unanswered: 'exclude' }).oracle;
    expect(excluded.meanTokens).toBe(answered / 7);
    expect(excluded.accuracy).toBe(7 / 8); // still wrong in the accuracy
    expect(analyzeOracle(recordsFrom({ a: [0, 0, 0, 0, 0] }), { unanswered: 'exclude' }).oracle.meanTokens).toBeNull();
  });

  it('the threshold turns graded scores into correct answers (q6 scores 0.45 at 144, q7 0.35 at 576)', () => {
    const at = (threshold: number) => analyzeOracle(example, { threshold, groupBy: ['type'] }).groups.find((g) => g.value === 'ocr')!;
    expect(at(0.5).oracleScales.map((o) => o.count)).toEqual([0, 0, 0, 0, 1, 1]);
    expect(at(0.4).oracleScales.map((o) => o.count)).toEqual([0, 0, 0, 1, 0, 1]);
    expect(at(0.3).oracleScales.map((o) => o.count)).toEqual([0, 0, 1, 0, 1, 0]);
    expect(at(0.3).oracle.accuracy).toBe(1);
    expect(analyzeOracle(example, { threshold: 0 }).oracle.accuracy).toBe(1);
  });

  it('tokens: what a record says it spent, else its scale', () => {
    const records = [
      { id: 1, scale: 1, tokens: 7, correct: false },
      { id: 1, scale: 9, tokens: 51, correct: true },
      { id: 2, scale: 1, tokens: 7, correct: true },
      { id: 2, scale: 9, tokens: 51, correct: true },
    ];
    const a = analyzeOracle(records);
    expect(a.scales.map((s) => s.meanTokens)).toEqual([7, 51]);
    expect(a.oracle.meanTokens).toBe((51 + 7) / 2);
    expect(analyzeOracle([{ id: 'x', tokens: 36, correct: true }]).scales[0]!.scale).toBe(36);
  });

  it('options.scales keeps only those scales and counts the rest as ignored', () => {
    const a = analyzeOracle(example, { scales: [576, 9] });
    expect(a.scales.map((s) => s.scale)).toEqual([9, 576]);
    expect(a.counts.ignored).toBe(24);
    expect(a.oracle.accuracy).toBe(6 / 8); // q5 is right only at 144
  });
});

describe('missing scales, duplicates and conflicts', () => {
  const partial = [...recordsFrom({ a: [0, 1, 1, 1, 1], b: [1, 1, 1, 1, 1] }).filter((r) => !(r.id === 'a' && r.scale === 36))];

  it('a missing scale is an error by default, naming the sample and the scale', () => {
    const e = expectMatryoshkaError(() => analyzeOracle(partial), ErrorCode.InvalidArgument, 'records');
    expect(e.message).toContain('"a"');
    expect(e.message).toContain('scale 36');
  });

  it("'drop' drops the sample, 'incorrect' counts the cell wrong", () => {
    const dropped = analyzeOracle(partial, { missing: 'drop' });
    expect([dropped.samples, dropped.counts.samplesDropped]).toEqual([1, 1]);
    const wrong = analyzeOracle(partial, { missing: 'incorrect' });
    expect([wrong.samples, wrong.counts.missingCells]).toEqual([2, 1]);
    expect(wrong.scales[2]!.accuracy).toBe(0.5);
    expect(wrong.moreTokensHurt.samples).toBe(1); // a: right at 9, "wrong" at 36
  });

  it('exact duplicates are ignored and counted; conflicting ones are an error naming both records', () => {
    const records = recordsFrom({ a: [0, 1, 1, 1, 1] });
    expect(analyzeOracle([...records, records[1]!]).counts.duplicates).toBe(1);
    const e = expectMatryoshkaError(() => analyzeOracle([...records, { ...records[1]!, correct: false }]), ErrorCode.InvalidArgument, 'records[5]');
    expect(e.message).toContain('records[1]');
  });

  it('a group field that differs between scales of one sample is an error', () => {
    const records = recordsFrom({ a: [0, 1, 1, 1, 1] }).map((r, j) => ({ ...r, type: j === 3 ? 'ocr' : 'color' }));
    expectMatryoshkaError(() => analyzeOracle(records, { groupBy: ['type'] }), ErrorCode.InvalidArgument, 'records[3].type');
  });

  it('bad records name the record and field', () => {
    expectMatryoshkaError(() => analyzeOracle([{ scale: 1, correct: true }]), ErrorCode.InvalidArgument, 'records[0].id');
    expectMatryoshkaError(() => analyzeOracle([{ id: 1, correct: true }]), ErrorCode.InvalidArgument, 'records[0].scale');
    expectMatryoshkaError(() => analyzeOracle([{ id: 1, scale: 2.5, correct: true }]), ErrorCode.InvalidArgument, 'records[0].scale');
    expectMatryoshkaError(() => analyzeOracle([{ id: 1, scale: 1 }]), ErrorCode.InvalidArgument, 'records[0].correct');
    expectMatryoshkaError(() => analyzeOracle([{ id: 1, scale: 1, correct: 'yes' }]), ErrorCode.InvalidArgument, 'records[0].correct');
    expectMatryoshkaError(() => analyzeOracle([{ id: 1, scale: 1, score: Number.NaN }]), ErrorCode.InvalidArgument, 'records[0].score');
    // correct and score both given must agree under the threshold
    expectMatryoshkaError(() => analyzeOracle([{ id: 1, scale: 1, correct: true, score: 0.2 }]), ErrorCode.InvalidArgument, 'records[0].correct');
    expect(analyzeOracle([{ id: 1, scale: 1, correct: true, score: 0.8 }]).oracle.accuracy).toBe(1);
    expectMatryoshkaError(() => analyzeOracle([]), ErrorCode.InvalidArgument, 'records');
    expectMatryoshkaError(() => analyzeOracle('x' as never), ErrorCode.InvalidArgument, 'records');
  });

  it('bad options name the option', () => {
    expectMatryoshkaError(() => analyzeOracle(example, { unanswered: 'median' as never }), ErrorCode.InvalidArgument, 'options.unanswered');
    expectMatryoshkaError(() => analyzeOracle(example, { missing: 'skip' as never }), ErrorCode.InvalidArgument, 'options.missing');
    expectMatryoshkaError(() => analyzeOracle(example, { threshold: Number.NaN }), ErrorCode.InvalidArgument, 'options.threshold');
    expectMatryoshkaError(() => analyzeOracle(example, { scales: [9, 9] }), ErrorCode.InvalidArgument, 'options.scales');
    expectMatryoshkaError(() => analyzeOracle(example, { scales: [0] }), ErrorCode.InvalidArgument, 'options.scales[0]');
    expectMatryoshkaError(() => analyzeOracle(example, { groupBy: 'type' as never }), ErrorCode.InvalidArgument, 'options.groupBy');
  });

  it('a table built once can be analysed again', () => {
    const table = buildSampleTable(example, { groupBy: ['type'] });
    expect(analyzeOracle(table)).toEqual(analyzeOracle(example, { groupBy: ['type'] }));
  });
});
