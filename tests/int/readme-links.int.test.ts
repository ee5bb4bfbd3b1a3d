import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { marked, type Tokens } from 'marked';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/server-process.ts';

/**
 * README and the documents beside it stand alone: every relative link (or image) points to a file inside the
 * repository, not to a neighbour of the checkout or to a file that moved.
 */

/** The documents at the top of the repository (README, DESIGN, BENCHMARKS). */
const DOCUMENTS = readdirSync(ROOT).filter((name) => name.endsWith('.md'));

const read = (document: string) => marked.lexer(readFileSync(join(ROOT, document), 'utf8'));

/** Targets of the links and images of a Markdown document, in order. */
function linkTargets(document: string): string[] {
  const targets: string[] = [];
  marked.walkTokens(read(document), (token) => {
    if (token.type === 'link' || token.type === 'image') targets.push((token as Tokens.Link | Tokens.Image).href);
  });
  return targets;
}

/** The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces as dashes. */
function anchors(document: string): Set<string> {
  const slugs = new Set<string>();
  marked.walkTokens(read(document), (token) => {
    if (token.type !== 'heading') return;
    const slug = (token as Tokens.Heading).text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
      .replaceAll(' ', '-');
    let unique = slug;
    for (let n = 1; slugs.has(unique); n++) unique = `${slug}-${n}`;
    slugs.add(unique);
  });
  return slugs;
}

/** Links to another site (`https:`, `mailto:`, `//host` …) are not the repository's to check. */
const isRelative = (href: string) => !/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(href);

it('README links to the design inside the repository', () => {
  expect(linkTargets('README.md')).toContain('DESIGN.md');
});

describe.each(DOCUMENTS)('%s', (document) => {
  it('links only to files that exist in the repository, and to headings they have', () => {
    for (const href of linkTargets(document).filter(isRelative)) {
      const [file = '', fragment] = href.split('#');
      const path = file ? resolve(dirname(join(ROOT, document)), decodeURIComponent(file)) : join(ROOT, document);
      const inside = relative(ROOT, path);
      expect(
        inside.startsWith('..') || inside.split(sep).includes('node_modules'),
        `${href} leaves the repository`,
      ).toBe(false);
      expect(existsSync(path), `${href} does not exist`).toBe(true);
      if (fragment !== undefined && path.endsWith('.md')) {
        expect([...anchors(inside)], `${href}: no such heading`).toContain(decodeURIComponent(fragment));
      }
    }
  });
});
