import { describe, expect, it } from 'vitest';
import { spreadsheetText } from '../src/reports/spreadsheet-text.ts';

describe('spreadsheetText', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","点我")', `'=HYPERLINK("http://evil.example","点我")`],
    ["+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"],
    ['-2+3+cmd|calc', "'-2+3+cmd|calc"],
    ['@SUM(1+1)', "'@SUM(1+1)"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', "'\r=1+1"],
    ['\n=1+1', "'\n=1+1"],
    ['\u0000=1+1', "'\u0000=1+1"],
  ])('prefixes %j with a single quote', (text, neutralised) => {
    expect(spreadsheetText(text)).toBe(neutralised);
  });

  it.each(['实验小学', '城厢镇', 'a-shiyan', '2022-03', "O'Brien", ' =not at the start', ''])('keeps %j', (text) => {
    expect(spreadsheetText(text)).toBe(text);
  });
});
