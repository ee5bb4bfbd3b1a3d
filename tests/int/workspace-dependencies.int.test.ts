import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/server-process.ts';

/**
 * Packages depend one way: each may use the packages before it, never one after it. Knip (`npm run lint`) keeps the
 * manifests true to the imports of other packages; an import of another workspace it does not check (the workspace
 * link resolves it), so the imports of `@qingmiao/…` are checked against the manifests here.
 */
const LAYERS = [
  '@qingmiao/schema',
  '@qingmiao/event-store',
  '@qingmiao/privacy',
  '@qingmiao/domain',
  '@qingmiao/projections',
  '@qingmiao/web',
  '@qingmiao/api',
];
/** Workspaces outside the layers: they may use any package, and none may use them. */
const USERS = ['@qingmiao/tests', '@qingmiao/scripts'];

interface Manifest {
  readonly name: string;
  readonly workspaces?: readonly string[];
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

interface Workspace {
  readonly dir: string;
  readonly manifest: Manifest;
}

const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/** The workspaces the root manifest lists (`dir` or `dir/*`). */
function workspaces(): Workspace[] {
  return (manifestOf(ROOT).workspaces ?? []).flatMap((pattern) => {
    const dirs = pattern.endsWith('/*')
      ? readdirSync(join(ROOT, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => join(ROOT, pattern.slice(0, -2), entry.name))
      : [join(ROOT, pattern)];
    return dirs
      .filter((dir) => existsSync(join(dir, 'package.json')))
      .map((dir) => ({ dir, manifest: manifestOf(dir) }));
  });
}

/** The workspace packages a workspace's TypeScript files import (statically, dynamically or for types). */
function importedPackages(dir: string): string[] {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
    (file) => /\.m?tsx?$/.test(file) && !file.split(sep).some((part) => part === 'node_modules' || part === 'dist'),
  );
  const imported = files.flatMap((file) =>
    [...readFileSync(join(dir, file), 'utf8').matchAll(/(?:from|import\(|import)\s*['"](@qingmiao\/[^/'"]+)/g)].map(
      (match) => match[1] ?? '',
    ),
  );
  return [...new Set(imported)];
}

const declaredPackages = (manifest: Manifest) =>
  Object.keys({
    ...manifest.dependencies,
    ...manifest.devDependencies,
    ...manifest.peerDependencies,
    ...manifest.optionalDependencies,
  }).filter((name) => name.startsWith('@qingmiao/'));

describe('workspace dependencies', () => {
  const all = workspaces();

  it('place every workspace: in a layer, or among the tools that use them', () => {
    expect(all.map(({ manifest }) => manifest.name).sort()).toEqual([...LAYERS, ...USERS].sort());
  });

  it('are declared where they are imported', () => {
    const undeclared = all.flatMap(({ dir, manifest }) =>
      importedPackages(dir)
        .filter((used) => used !== manifest.name && !declaredPackages(manifest).includes(used))
        .map((used) => `${manifest.name} imports ${used}`),
    );
    expect(undeclared).toEqual([]);
  });

  it('run one way: schema ← event-store ← domain ← projections ← api', () => {
    const upwards = all
      .map(({ manifest }) => manifest)
      .filter((manifest) => LAYERS.includes(manifest.name))
      .flatMap((manifest) =>
        declaredPackages(manifest)
          .filter((used) => !LAYERS.includes(used) || LAYERS.indexOf(used) >= LAYERS.indexOf(manifest.name))
          .map((used) => `${manifest.name} → ${used}`),
      );
    expect(upwards).toEqual([]);
  });
});
