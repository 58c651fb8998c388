#!/usr/bin/env node
// Development-time only: copies the MobileNetV2 topology and its uint8 weights out of nsfwjs@4.4.0
// into assets/mobilenet_v2/, so the published package ships 2.6 MB instead of depending on nsfwjs
// (whose @tensorflow/tfjs peer is 272 MB). Run: `npm run copy-model -w @matryoshka/encoders [-- <nsfwjs dir or .tgz>]`.
// Without an argument it fetches the tarball with `npm pack` into a temporary folder, so nsfwjs never
// enters the workspace's node_modules or lockfile.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const VERSION = '4.4.0';
const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, '..', 'assets', 'mobilenet_v2');

function packageDir(arg, scratch) {
  if (arg !== undefined && statSync(arg).isDirectory()) return resolve(arg);
  let tarball = arg;
  if (tarball === undefined) {
    execFileSync('npm', ['pack', `nsfwjs@${VERSION}`, '--pack-destination', scratch, '--silent'], { stdio: 'inherit' });
    tarball = join(scratch, `nsfwjs-${VERSION}.tgz`);
  }
  execFileSync('tar', ['-xzf', resolve(tarball), '-C', scratch]);
  return join(scratch, 'package');
}

const scratch = mkdtempSync(join(tmpdir(), 'nsfwjs-'));
try {
  const dir = packageDir(process.argv[2], scratch);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (pkg.name !== 'nsfwjs' || pkg.version !== VERSION) throw new Error(`expected nsfwjs@${VERSION} in ${dir}, found ${pkg.name}@${pkg.version}`);
  const models = join(dir, 'dist', 'models', 'mobilenet_v2');
  // Both files are UMD modules: the topology is a JS object literal (not JSON), the shard a base64 string.
  const load = createRequire(join(models, 'x.js'));
  const model = load('./model.min.js');
  const weights = Buffer.from(load('./group1-shard1of1.min.js'), 'base64');
  const manifest = model.weightsManifest.map((group) => ({ ...group, paths: ['weights.bin'] }));
  const expected = manifest.flatMap((g) => g.weights).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
  if (weights.length !== expected) throw new Error(`weights: expected ${expected} uint8 values, got ${weights.length}`);

  writeFileSync(join(target, 'model.json'), `${JSON.stringify({ modelTopology: model.modelTopology, weightsManifest: manifest })}\n`);
  writeFileSync(join(target, 'weights.bin'), weights);
  writeFileSync(join(target, 'LICENSE'), readFileSync(join(dir, 'LICENSE'), 'utf8'));
  for (const file of ['model.json', 'weights.bin']) {
    const sha = createHash('sha256')
      .update(readFileSync(join(target, file)))
      .digest('hex');
    console.log(`${file}  sha256 ${sha}`);
  }
  console.log(`copied nsfwjs@${VERSION} MobileNetV2 into ${target}`);
} finally {
  if (existsSync(scratch)) rmSync(scratch, { recursive: true, force: true });
}
