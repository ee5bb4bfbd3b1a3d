import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

/**
 * What jsdom lacks of a browser and Ant Design needs: `matchMedia` (responsive breakpoints), answering as a
 * 1366 px wide screen would, and ResizeObserver (text areas; jsdom has no layout, so nothing ever resizes).
 * Component tests load this first (vite.config.ts `test.setupFiles`).
 */
if (typeof window !== 'undefined' && !window.matchMedia) {
  window.matchMedia = (query: string): MediaQueryList => {
    const minWidth = /min-width:\s*(\d+)px/.exec(query);
    const maxWidth = /max-width:\s*(\d+)px/.exec(query);
    const matches = (!minWidth || 1366 >= Number(minWidth[1])) && (!maxWidth || 1366 <= Number(maxWidth[1]));
    const list: MediaQueryList = {
      matches,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false,
    };
    return list;
  };
}

if (!globalThis.ResizeObserver) {
  globalThis.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}

// Testing Library unmounts after each test by itself only where test functions are globals; here they are imported.
afterEach(cleanup);

// Pages are lazy chunks: the first to load in a test file is compiled then, which takes seconds on a busy machine.
configure({ asyncUtilTimeout: 15_000 });
