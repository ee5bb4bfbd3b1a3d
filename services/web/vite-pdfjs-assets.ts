import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

/**
 * pdf.js reads its character maps (Chinese PDFs whose fonts are not embedded need them), standard fonts, colour
 * profiles and image decoders from folders it addresses by file name, so they cannot get content hashes. They are
 * published under a folder named by the pdf.js version instead (`/assets/pdfjs-<version>/…`): a new version is a new
 * folder, so long-lived caching of /assets stays correct. Served from node_modules in development.
 */
const FOLDERS = ['cmaps', 'standard_fonts', 'wasm', 'iccs'] as const;

const root = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

/** Where the app finds the folders (src/previews/pdf-document.ts builds the same prefix from pdf.js's version). */
const PDFJS_ASSETS = `/assets/pdfjs-${version}/`;

const TYPES: Record<string, string> = {
  '.bcmap': 'application/octet-stream',
  '.pfb': 'application/octet-stream',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.icc': 'application/vnd.iccprofile',
  '.js': 'text/javascript',
};

const published = (name: string) => !name.startsWith('LICENSE');

export function pdfjsAssets(): Plugin {
  return {
    name: 'qingmiao-pdfjs-assets',
    configureServer(server) {
      server.middlewares.use(PDFJS_ASSETS, (req, res, next) => {
        const [folder, name, ...rest] = (req.url ?? '').replace(/\?.*$/, '').replace(/^\//, '').split('/');
        const known = FOLDERS.find((f) => f === folder);
        if (!known || !name || rest.length > 0 || !published(name) || !readdirSync(join(root, known)).includes(name)) {
          next();
          return;
        }
        const type = TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream';
        res.setHeader('Content-Type', type);
        createReadStream(join(root, known, name)).pipe(res);
      });
    },
    generateBundle() {
      for (const folder of FOLDERS) {
        for (const name of readdirSync(join(root, folder)).filter(published)) {
          this.emitFile({
            type: 'asset',
            fileName: `${PDFJS_ASSETS.slice(1)}${folder}/${name}`,
            source: readFileSync(join(root, folder, name)),
          });
        }
      }
    },
  };
}
