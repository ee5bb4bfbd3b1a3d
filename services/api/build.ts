/**
 * Bundles the server and CLI into one file for deployment (`node dist/qingmiao.mjs serve`), with the event store's
 * worker threads beside it (the event store's writer `dist/event-store-writer.mjs`, the privacy layer's opening
 * thread `dist/privacy-opening.mjs`, the read-model build thread `dist/read-model-builder.mjs`): workspace packages
 * are TypeScript sources, so they are compiled in; better-sqlite3 and @node-rs/argon2 stay external because they are
 * native addons.
 *
 * The web app (services/web) is built by Vite into `dist/web/` next to the bundle, where the bundled server looks
 * for it (src/web-app/build.ts).
 */
import { build } from 'esbuild';
import { buildWebApp } from './src/web-app/build.ts';

await build({
  // The worker threads run their own entries, which their starters look for beside the bundle.
  entryPoints: [
    { in: 'src/cli.ts', out: 'qingmiao' },
    { in: '../event-store/src/sqlite-writer.ts', out: 'event-store-writer' },
    { in: '../privacy/src/opening-worker.ts', out: 'privacy-opening' },
    { in: 'src/read-model-builder.ts', out: 'read-model-builder' },
  ],
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: ['better-sqlite3', '@node-rs/argon2'],
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  // Aliased: bundled modules import createRequire under its own name too.
  banner: {
    js: "import { createRequire as bannerCreateRequire } from 'node:module'; const require = bannerCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

buildWebApp(new URL('./dist/web/', import.meta.url).pathname);
