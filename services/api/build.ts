/**
 * Bundles the server and CLI into one file for deployment (`node dist/qingmiao.mjs serve`): workspace packages are
 * TypeScript sources, so they are compiled in; better-sqlite3 stays external because it is a native addon.
 */
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/qingmiao.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: ['better-sqlite3'],
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  logLevel: 'warning',
});
