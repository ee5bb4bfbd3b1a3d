import { describe, expect, it } from 'vitest';
import { UploadBudget } from '../src/files/upload-budget.ts';

const HOUR = 3_600_000;

describe('the hourly upload budget per account', () => {
  it('grants up to what is left of the hour, and gives back what an upload did not use', () => {
    let now = 10 * HOUR;
    const budget = new UploadBudget(100, () => now);
    const first = budget.reserve('school', 60);
    expect(first.granted).toBe(60);
    expect(budget.reserve('school', 60).granted).toBe(40);
    expect(budget.reserve('school', 1).granted).toBe(0);
    expect(budget.reserve('other', 100).granted).toBe(100);
    budget.refund(first, 50);
    expect(budget.reserve('school', 60).granted).toBe(50);
    now += 30 * 60_000;
    expect(budget.secondsToNextHour()).toBe(1800);
    now += 30 * 60_000;
    budget.refund(first, 60);
    expect(budget.reserve('school', 60).granted).toBe(60);
    expect(budget.reserve('school', 60).granted).toBe(40);
  });
});
