import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';
import { pdfjsAssets } from './vite-pdfjs-assets.ts';

/**
 * The web app's build: hashed assets under /assets/, no inline scripts (the server's CSP forbids them), and the
 * component tests in jsdom. graphql resolves to Node's CJS build as in the other packages (vitest.shared.ts).
 */
export default defineConfig({
  plugins: [react(), pdfjsAssets()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    // The dashboard's lazy chunk carries ECharts (core, two chart types, canvas: ~590 kB minified, ~200 kB gzip),
    // loaded only on the dashboard; the initial JS is what bench 8 holds to its budget.
    chunkSizeWarningLimit: 650,
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
  },
});
