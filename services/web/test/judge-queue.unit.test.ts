// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { nextUnscored, queueMove, queueState } from '../src/pages/judge/queue.ts';

const entry = (id: string, state: 'unscored' | 'scored' | 'recused') => ({
  id,
  myRecusal: state === 'recused' ? '亲属' : null,
  scores: state === 'scored' ? [{ weightedScore: 80 }] : [],
});

const queue = [entry('a', 'scored'), entry('b', 'unscored'), entry('c', 'recused'), entry('d', 'unscored')];

describe("the judge's queue", () => {
  it('tells scored, recused and unscored entries apart', () => {
    expect(queue.map(queueState)).toEqual(['scored', 'unscored', 'recused', 'unscored']);
  });

  it('moves to the next unscored entry, skipping scored and recused ones, and wraps round', () => {
    expect(nextUnscored(queue, 'a')).toBe('b');
    expect(nextUnscored(queue, 'b')).toBe('d');
    expect(nextUnscored(queue, 'd')).toBe('b');
    expect(nextUnscored(queue, 'd', -1)).toBe('b');
    expect(nextUnscored(queue, 'b', -1)).toBe('d');
  });

  it('starts at the first (forward) or last (back) without a current entry', () => {
    expect(nextUnscored(queue, undefined)).toBe('b');
    expect(nextUnscored(queue, undefined, -1)).toBe('d');
  });

  it('stays on the current entry when it is the last one left, and says when none is left', () => {
    expect(nextUnscored([entry('a', 'scored'), entry('b', 'unscored')], 'b')).toBe('b');
    expect(nextUnscored([entry('a', 'scored'), entry('c', 'recused')], 'a')).toBeUndefined();
    expect(nextUnscored([], undefined)).toBeUndefined();
  });

  it('reads j / k and Alt+↓ / Alt+↑, and no other key', () => {
    const key = (key: string, mods: Partial<{ altKey: boolean; ctrlKey: boolean; metaKey: boolean }> = {}) =>
      queueMove({ key, altKey: false, ctrlKey: false, metaKey: false, ...mods });
    expect([key('j'), key('J'), key('k'), key('K')]).toEqual([1, 1, -1, -1]);
    expect([key('ArrowDown', { altKey: true }), key('ArrowUp', { altKey: true })]).toEqual([1, -1]);
    expect([key('ArrowDown'), key('j', { ctrlKey: true }), key('j', { metaKey: true }), key('x')]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
