import { describe, expect, it } from 'vitest';
import { ANSWERS, QUESTION_FEATURES, answer, cellCentre, questionFeatures, questionText, type Question } from '../../src/study/questions.js';

// A 2×2 grid, row-major: Sneaker (7), Bag (8) / Sneaker (7), Ankle boot (9).
const labels = [7, 8, 7, 9];
const say = (q: Question): string => ANSWERS[answer(q, labels)]!;

describe('mosaic-QA questions', () => {
  it('answer from the labels', () => {
    expect(say({ type: 'where', grid: 2, cells: [0] })).toBe('Sneaker');
    expect(say({ type: 'where', grid: 2, cells: [3] })).toBe('Ankle boot');
    expect(say({ type: 'exist', grid: 2, cells: [], cls: 8 })).toBe('yes');
    expect(say({ type: 'exist', grid: 2, cells: [], cls: 0 })).toBe('no');
    expect(say({ type: 'count', grid: 2, cells: [], cls: 7 })).toBe('2');
    expect(say({ type: 'same', grid: 2, cells: [0, 2] })).toBe('yes');
    expect(say({ type: 'same', grid: 2, cells: [0, 1] })).toBe('no');
    expect(() => answer({ type: 'count', grid: 3, cells: [], cls: 1 }, [1, 1, 1, 1, 1, 0, 0, 0, 0])).toThrow(RangeError);
  });

  it('read as text and as the numbers the models read', () => {
    expect(questionText({ type: 'where', grid: 4, cells: [6] })).toBe('What is at row 2, column 3 of the 4×4 grid?');
    expect(questionText({ type: 'exist', grid: 1, cells: [], cls: 8 })).toBe('Is there a bag?');
    expect(questionText({ type: 'where', grid: 1, cells: [] })).toBe('What is the item?');
    expect(cellCentre(2, 3)).toEqual([0.5, 0.5]);
    const f = questionFeatures({ type: 'where', grid: 4, cells: [6] });
    expect(f).toHaveLength(QUESTION_FEATURES);
    const [x, y] = cellCentre(4, 6);
    expect(f.slice(0, 4)).toEqual([0, 0, 1, 0]); // where
    expect(f.slice(14)).toEqual([x, y, x, y, 4 / 6, 4 * x, 4 * y, 4 * x, 4 * y, 4]);
    expect(questionFeatures({ type: 'count', grid: 6, cells: [], cls: 2 }).slice(4, 14)).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
  });
});
