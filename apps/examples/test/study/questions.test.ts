import { describe, expect, it } from 'vitest';
import { ANSWERS, COUNT_QUESTION, QUESTION_COUNT, answer, existQuestion, question, questionEmbedding, sameQuestion, whereQuestion } from '../../src/study/questions.js';

// Labels: top-left Sneaker (7), top-right Bag (8), bottom-left Sneaker (7), bottom-right Ankle boot (9).
const labels = [7, 8, 7, 9];
const say = (id: number): string => ANSWERS[answer(id, labels)]!;

describe('mosaic-QA questions', () => {
  it('answer from the labels', () => {
    expect(say(whereQuestion(0))).toBe('Sneaker');
    expect(say(whereQuestion(3))).toBe('Ankle boot');
    expect(say(existQuestion(8))).toBe('yes');
    expect(say(existQuestion(0))).toBe('no');
    expect(say(COUNT_QUESTION)).toBe('3'); // two sneakers and an ankle boot
    expect(say(sameQuestion(2))).toBe('yes'); // left column: Sneaker, Sneaker
    expect(say(sameQuestion(0))).toBe('no'); // top row: Sneaker, Bag
  });

  it('name every id, embed it one-hot and refuse others', () => {
    const texts = Array.from({ length: QUESTION_COUNT }, (_, id) => question(id).text);
    expect(new Set(texts).size).toBe(QUESTION_COUNT);
    expect(question(4 + 8).text).toBe('Is there a bag?');
    expect(questionEmbedding(5)).toEqual(Array.from({ length: QUESTION_COUNT }, (_, k) => (k === 5 ? 1 : 0)));
    expect(() => question(QUESTION_COUNT)).toThrow(RangeError);
    expect(() => questionEmbedding(-1)).toThrow(RangeError);
  });
});
