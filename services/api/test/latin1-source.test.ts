import { describe, expect, it } from 'vitest';
import { latin1Source } from '../latin1-source.ts';

/** Evaluates an ES module's source and returns its exports. */
async function load(source: string): Promise<Record<string, unknown>> {
  return import(`data:text/javascript,${encodeURIComponent(source)}`);
}

/** What esbuild leaves beyond Latin-1 (it escapes strings, templates and identifiers itself). */
const SOURCE = `// 学校 — a comment
/* 😀 and ≤ */
export const classes = /[学校、]$/u;
export const identity = /\\学/;
export const backslash = /\\\\学/;
export const astral = /😀/u;
`;

describe('latin1Source', () => {
  it('leaves no character beyond Latin-1 and keeps the module meaning the same', async () => {
    const out = latin1Source(SOURCE);
    expect(out).not.toMatch(/[\u0100-\uffff]/);
    const [before, after] = await Promise.all([load(SOURCE), load(out)]);
    for (const name of ['classes', 'identity', 'backslash', 'astral']) {
      for (const subject of ['学', '校', '、', 'x学', '\\学', '😀', 'x']) {
        expect((after[name] as RegExp).test(subject), `${name} on ${subject}`).toBe(
          (before[name] as RegExp).test(subject),
        );
      }
    }
  });

  it('keeps comments at their length, so the source map still points right', () => {
    const out = latin1Source(SOURCE);
    expect(
      out
        .split('\n')
        .slice(0, 2)
        .map((line) => line.length),
    ).toEqual(
      SOURCE.split('\n')
        .slice(0, 2)
        .map((line) => line.length),
    );
  });

  it('returns Latin-1 source as it is', () => {
    const source = 'export const a = "caf\\u00e9"; // café\n';
    expect(latin1Source(source)).toBe(source);
  });
});
