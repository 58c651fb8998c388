import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@matryoshka/core';
import { analyzeOracle, importLmmsEval } from '../src/index.js';
import { expectMatryoshkaError } from '@matryoshka/testing/expect-error';

// The shape lmms-eval's --log_samples writes: doc_id, doc, target, resps, filtered_resps, then the metrics.
const sample = (doc_id: number, metric: unknown) => ({
  doc_id,
  doc: { category: 'text' },
  target: 'a',
  resps: [['a']],
  filtered_resps: ['a'],
  ...(metric as object),
});

describe('importLmmsEval', () => {
  it('reads JSONL and the older { logs } JSON, numbers as scores, booleans as correct, nested metrics', () => {
    const records = importLmmsEval(
      [
        { scale: 1, text: [sample(0, { anls: 0.2 }), sample(1, { anls: 0.9 })].map((s) => JSON.stringify(s)).join('\n') },
        { scale: 9, text: JSON.stringify({ args: {}, logs: [sample(0, { anls: 0.7 }), sample(1, { anls: 1 })] }) },
      ],
      { metric: 'anls', groups: ['doc.category'] },
    );
    expect(records[0]).toEqual({ id: 0, scale: 1, score: 0.2, category: 'text' });
    expect(analyzeOracle(records).oracle).toMatchObject({ accuracy: 1, meanTokens: 5 });
    const nested = importLmmsEval([{ scale: 1, text: JSON.stringify(sample(3, { mme_percetion_score: { question_id: 'q', score: true } })) }], {
      metric: 'mme_percetion_score.score',
    });
    expect(nested).toEqual([{ id: 3, scale: 1, correct: true }]);
  });

  it('names what is missing', () => {
    expectMatryoshkaError(() => importLmmsEval([], { metric: 'anls' }), ErrorCode.InvalidArgument, 'runs');
    expectMatryoshkaError(() => importLmmsEval([{ scale: 1, text: '{}' }], { metric: '' }), ErrorCode.InvalidArgument, 'options.metric');
    expectMatryoshkaError(() => importLmmsEval([{ scale: 0, text: '{}' }], { metric: 'anls' }), ErrorCode.InvalidArgument, 'runs[0].scale');
    expectMatryoshkaError(
      () => importLmmsEval([{ scale: 1, text: JSON.stringify(sample(0, {})), name: 'a.jsonl' }], { metric: 'anls' }),
      ErrorCode.InvalidArgument,
      'a.jsonl[0].anls',
    );
    expectMatryoshkaError(
      () => importLmmsEval([{ scale: 1, text: '{"doc_id": 0}\n{bad', name: 'b.jsonl' }], { metric: 'anls' }),
      ErrorCode.InvalidArgument,
      'b.jsonl line 2',
    );
  });
});
