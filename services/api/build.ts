/**
 * Bundles the server and CLI into one file for deployment (`node dist/qingmiao.mjs serve`): workspace packages are
 * TypeScript sources, so they are compiled in; better-sqlite3 and @node-rs/argon2 stay external because they are
 * native addons, esbuild because it cannot bundle itself (the server only loads it to bundle the dashboard when no
 * prebuilt one exists).
 *
 * The dashboard's browser script is prebuilt into `dist/dashboard/` next to its page, where the bundled server
 * looks for it first.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { build } from 'esbuild';
import { dashboardClientBuildOptions } from './src/dashboard/routes.ts';

await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/qingmiao.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: ['better-sqlite3', '@node-rs/argon2', 'esbuild'],
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  logLevel: 'warning',
});

await mkdir('dist/dashboard', { recursive: true });
await build({ ...dashboardClientBuildOptions('src/dashboard/client.ts'), outfile: 'dist/dashboard/client.js' });
await copyFile('src/dashboard/index.html', 'dist/dashboard/index.html');
