/**
 * Bundles the server and CLI for deployment (`node dist/qingmiao.mjs serve`, with the chunks it loads on demand in
 * `dist/chunks/`), and beside it the entries of the event store's writer thread (`dist/event-store-writer.mjs`), the
 * privacy layer's opening thread (`dist/privacy-opening.mjs`), the read models' WAL checkpointer thread
 * (`dist/read-model-checkpointer.mjs`) and the read-model build process
 * (`dist/read-model-builder.mjs`): workspace packages are TypeScript sources, so they are compiled in; better-sqlite3
 * and @node-rs/argon2 stay external because they are native addons. Every file is then made Latin-1 only
 * (./latin1-source.ts), which halves the memory V8 keeps its source in.
 *
 * The web app (services/web) is built by Vite into `dist/web/` next to the bundle, where the bundled server looks
 * for it (src/web-app/build.ts).
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { latin1Source } from './latin1-source.ts';
import { buildWebApp } from './src/web-app/build.ts';

const common = {
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
} satisfies BuildOptions;

// What the server imports only on demand (GraphiQL's page, 9 MB, which production does not serve; exceljs) goes into
// chunks loaded when first needed: V8 keeps a module's whole source text in the heap, so a dependency bundled into
// the entry costs every server its memory from the start. Chunks are named by content hash: an earlier build's
// would pile up.
rmSync('dist/chunks', { recursive: true, force: true });
await build({
  ...common,
  entryPoints: [{ in: 'src/cli.ts', out: 'qingmiao' }],
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});

// The threads and the build process run their own entries, which their starters look for beside the bundle.
await build({
  ...common,
  entryPoints: [
    { in: '../event-store/src/sqlite-writer.ts', out: 'event-store-writer' },
    { in: '../privacy/src/opening-worker.ts', out: 'privacy-opening' },
    { in: '../../projections/src/wal-checkpointer-thread.ts', out: 'read-model-checkpointer' },
    { in: 'src/read-model-builder.ts', out: 'read-model-builder' },
  ],
});

// The server's own files: the web app's, built below, are the browser's.
const serverFiles = readdirSync('dist', { recursive: true, encoding: 'utf8' }).filter(
  (name) => name.endsWith('.mjs') && !name.startsWith('web/'),
);
for (const file of serverFiles) {
  const path = join('dist', file);
  const code = readFileSync(path, 'utf8');
  const latin1 = latin1Source(code);
  if (latin1 !== code) writeFileSync(path, latin1);
}

buildWebApp(new URL('./dist/web/', import.meta.url).pathname);
