/**
 * Bundles `page-entry.ts` (the portable cases and a page harness) for the browser, in memory.
 * The workspace packages come from their BUILT `dist/` files, not their sources: the Chromium
 * run checks the package as it ships (so `dist/` must be built first; see README's test command).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../../..');
export const pageEntry = path.join(here, 'page-entry.ts');

interface WorkspacePackage {
  readonly name: string;
  readonly dir: string;
  /** The ESM file `import` resolves to once built (`exports['.'].import.default`). */
  readonly esm: string;
}

/** Every `packages/*` workspace with an ESM export, by name. */
export function workspacePackages(root = repoRoot): Map<string, WorkspacePackage> {
  const found = new Map<string, WorkspacePackage>();
  const base = path.join(root, 'packages');
  for (const entry of readdirSync(base, { withFileTypes: true })) {
    const manifestPath = path.join(base, entry.name, 'package.json');
    if (!entry.isDirectory() || !existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      name?: string;
      module?: string;
      exports?: { '.'?: { import?: { default?: string } } };
    };
    const esm = manifest.exports?.['.']?.import?.default ?? manifest.module;
    if (manifest.name === undefined || esm === undefined) continue;
    const dir = path.join(base, entry.name);
    found.set(manifest.name, { name: manifest.name, dir, esm: path.resolve(dir, esm) });
  }
  return found;
}

function builtPackages(packages: Map<string, WorkspacePackage>): Plugin {
  const toBuilt = (pkg: WorkspacePackage) => {
    if (existsSync(pkg.esm)) return { path: pkg.esm };
    const rel = path.relative(repoRoot, pkg.esm);
    return { errors: [{ text: `${pkg.name} is not built (${rel} is missing): run \`npx turbo run build --filter=@matryoshka/backend-webgpu...\` first` }] };
  };
  return {
    name: 'matryoshka-built-packages',
    setup(b) {
      // `@matryoshka/x` → packages/x/dist/index.js (deep imports are not part of any package's API).
      b.onResolve({ filter: /^@matryoshka\// }, (args) => {
        const pkg = packages.get(args.path);
        return pkg === undefined ? undefined : toBuilt(pkg);
      });
      // A case importing a package's entry by relative path (`../../src/index.js`) gets the build too,
      // so the page never holds two copies of one package (two backend registries, two error classes).
      b.onResolve({ filter: /^\.\.?\/.*src(\/index(\.[cm]?[jt]s)?)?$/ }, (args) => {
        const target = path.resolve(args.resolveDir, args.path).replace(/\/index(\.[cm]?[jt]s)?$/, '');
        for (const pkg of packages.values()) {
          if (target === path.join(pkg.dir, 'src')) return toBuilt(pkg);
        }
        return undefined;
      });
    },
  };
}

export interface PageBundle {
  /** The ES module the page loads. */
  readonly code: string;
  /** Files in the bundle, relative to the repository root. */
  readonly inputs: readonly string[];
  /** Files bundled from some workspace package's `src/` (deep imports of internals), if any. */
  readonly sourceInputs: readonly string[];
  readonly warnings: readonly string[];
}

export async function bundlePage(entry = pageEntry): Promise<PageBundle> {
  const packages = workspacePackages();
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'inline',
    metafile: true,
    logLevel: 'silent',
    // Dawn for Node: the backend imports it only where `navigator.gpu` is missing, never in a browser.
    external: ['webgpu'],
    plugins: [builtPackages(packages)],
  });
  const code = result.outputFiles[0]?.text;
  if (code === undefined) throw new Error('esbuild wrote no output');
  const inputs = Object.keys(result.metafile.inputs).map((p) => path.relative(repoRoot, path.resolve(process.cwd(), p)));
  const sourceInputs = inputs.filter((p) => /^packages\/[^/]+\/src\//.test(p));
  return { code, inputs, sourceInputs, warnings: result.warnings.map((w) => w.text) };
}
