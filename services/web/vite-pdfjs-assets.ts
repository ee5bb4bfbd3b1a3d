import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

/**
 * pdf.js reads its character maps (Chinese PDFs whose fonts are not embedded need them), standard fonts, colour
 * profiles and image decoders from folders it addresses by file name, so they cannot get content hashes. They are
 * published under a folder named by the pdf.js version instead (`/assets/pdfjs-<version>/…`, which
 * src/previews/pdf-document.ts builds from the same version): a new version is a new folder, so the year-long caching
 * of /assets stays correct. Their licence files go along.
 */
const FOLDERS = ['cmaps', 'standard_fonts', 'wasm', 'iccs'] as const;

export function pdfjsAssets(): Plugin {
  const root = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return {
    name: 'qingmiao-pdfjs-assets',
    apply: 'build',
    generateBundle() {
      for (const folder of FOLDERS) {
        for (const name of readdirSync(join(root, folder))) {
          this.emitFile({
            type: 'asset',
            fileName: `assets/pdfjs-${version}/${folder}/${name}`,
            source: readFileSync(join(root, folder, name)),
          });
        }
      }
    },
  };
}
