import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { marked, type Tokens } from 'marked';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/server-process.ts';

/**
 * README and the documents beside it stand alone: every relative link (or image) points to a file inside the
 * repository, not to a neighbour of the checkout or to a file that moved.
 */

const DOCUMENTS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** Targets of the links and images of a Markdown document, in order. */
function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  marked.walkTokens(marked.lexer(markdown), (token) => {
    if (token.type === 'link' || token.type === 'image') targets.push((token as Tokens.Link | Tokens.Image).href);
  });
  return targets;
}

/** Links to another site (`https:`, `mailto:` …) or to a place in the same page are not files. */
const isRelativeFile = (href: string) => !/^([a-z][a-z0-9+.-]*:|\/\/|#)/i.test(href);

const targetsOf = (document: string) => linkTargets(readFileSync(join(ROOT, document), 'utf8')).filter(isRelativeFile);

it('README links to the design inside the repository', () => {
  expect(targetsOf('README.md')).toContain('docs/DESIGN.md');
});

describe.each(DOCUMENTS)('%s', (document) => {
  const targets = targetsOf(document);

  it('links only to files that exist in the repository', () => {
    for (const href of targets) {
      const path = resolve(dirname(join(ROOT, document)), decodeURIComponent(href.replace(/[#?].*$/, '')));
      const inside = relative(ROOT, path);
      expect(
        inside.startsWith('..') || inside.split(sep).includes('node_modules'),
        `${href} leaves the repository`,
      ).toBe(false);
      expect(existsSync(path), `${href} does not exist`).toBe(true);
    }
  });
});
