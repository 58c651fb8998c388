#!/usr/bin/env node
// What a user of the published packages gets: packs every package with `npm pack`, installs the
// tarballs into a fresh consumer project offline (npm's cache; the @matryoshka packages from the
// tarballs), then, with nothing from this repository on the resolution path:
//   - imports every entry from ESM and requires it from CommonJS, and runs a pyramid;
//   - type-checks a TypeScript file importing every entry under module/moduleResolution
//     commonjs/node10, node16/node16 and esnext/bundler, with skipLibCheck: false;
//   - checks that @matryoshka/scale-predictor/train without TensorFlow.js (an optional peer)
//     throws MISSING_DEPENDENCY naming the install command;
//   - runs the bin: `matryoshka-oracle --version` and `analyze` on the shipped example records.
// Build first (`npm run build`). Usage: node scripts/consumer-check.mjs [--keep]. About 1–2 min.
//
// Offline, npm can resolve version ranges only from cached package metadata, which `npm ci` never
// fetches; so the consumer gets a package-lock.json made from this repository's lockfile (the
// same versions a user's `npm install` resolves today, within the published ranges) and installs
// with `npm ci --offline`. The tarballs' own package.json files are what is checked.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'matryoshka-consumer-'));
const tarballs = join(work, 'tarballs');
const app = join(work, 'app');
mkdirSync(tarballs);
mkdirSync(app);

const step = (what) => console.log(`\n== ${what}`);
const run = (cmd, args, options = {}) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
const failures = [];
const check = (name, work) => {
  try {
    const note = work();
    console.log(`ok    ${name}${note ? `: ${note}` : ''}`);
  } catch (error) {
    failures.push(name);
    console.log(`FAIL  ${name}\n${String(error.stdout ?? '')}${String(error.stderr ?? '')}${error.stdout || error.stderr ? '' : error.message}`);
  }
};

// The published packages (not private), and the subpath entries each exports.
const packages = readdirSync(join(repo, 'packages'))
  .map((dir) => ({ dir: join(repo, 'packages', dir), json: JSON.parse(readFileSync(join(repo, 'packages', dir, 'package.json'), 'utf8')) }))
  .filter((p) => !p.json.private);
const entries = packages.flatMap((p) =>
  Object.keys(p.json.exports ?? { '.': null })
    .filter((k) => k !== './package.json' && !/\.\w+$/.test(k))
    .map((k) => (k === '.' ? p.json.name : `${p.json.name}/${k.slice(2)}`)),
);
// Entries that need an optional peer the consumer does not install; the check expects their coded error.
const needsPeer = { '@matryoshka/scale-predictor/train': 'MISSING_DEPENDENCY' };
const plain = entries.filter((e) => !(e in needsPeer));

step(`npm pack: ${packages.map((p) => p.json.name).join(', ')}`);
const specs = {};
const packed = {};
for (const p of packages) {
  if (!existsSync(join(p.dir, 'dist'))) throw new Error(`${p.json.name} is not built: run npm run build first`);
  const file = run('npm', ['pack', '--silent', '--pack-destination', tarballs], { cwd: p.dir }).trim().split('\n').at(-1);
  specs[p.json.name] = `file:../tarballs/${file}`;
  packed[p.json.name] = { file: join(tarballs, file), json: p.json };
  console.log(`${file}`);
}

step('npm ci --offline (dependencies from the npm cache, @matryoshka/* from the tarballs)');
const versionOf = (name) => JSON.parse(readFileSync(join(repo, 'node_modules', name, 'package.json'), 'utf8')).version;
const manifest = {
  name: 'matryoshka-consumer',
  private: true,
  version: '1.0.0',
  dependencies: specs,
  devDependencies: { typescript: versionOf('typescript'), '@types/node': versionOf('@types/node') },
};
writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
writeFileSync(join(app, '.npmrc'), 'audit=false\nfund=false\nupdate-notifier=false\n');
writeFileSync(join(app, 'package-lock.json'), JSON.stringify(consumerLock(manifest), null, 2));
const t0 = Date.now();
run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: app });
console.log(`installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
check('TensorFlow.js is not installed with @matryoshka/scale-predictor', () => {
  if (existsSync(join(app, 'node_modules/@tensorflow'))) throw new Error('node_modules/@tensorflow exists');
});

step('ESM and CommonJS: every entry');
const grid = 'new Float32Array(4 * 4 * 2).fill(1)';
writeFileSync(
  join(app, 'esm.mjs'),
  `${plain.map((e, i) => `import * as m${i} from '${e}';`).join('\n')}
const { tokenGrid } = m${plain.indexOf('@matryoshka/core')};
const { buildPyramid } = m${plain.indexOf('@matryoshka/pooling')};
const levels = buildPyramid(tokenGrid(${grid}, { rows: 4, cols: 4, channels: 2 }), { scales: [4, 1] }).levels.map((l) => l.rows * l.cols);
console.log(JSON.stringify({ entries: ${plain.length}, exports: [${plain.map((_, i) => `Object.keys(m${i}).length`).join(', ')}], levels }));
`,
);
writeFileSync(
  join(app, 'cjs.cjs'),
  `const mods = ${JSON.stringify(plain)}.map((e) => require(e));
const { tokenGrid } = require('@matryoshka/core');
const { buildPyramid } = require('@matryoshka/pooling');
const levels = buildPyramid(tokenGrid(${grid}, { rows: 4, cols: 4, channels: 2 }), { scales: [4, 1] }).levels.map((l) => l.rows * l.cols);
console.log(JSON.stringify({ entries: mods.length, exports: mods.map((m) => Object.keys(m).length), levels }));
`,
);
for (const file of ['esm.mjs', 'cjs.cjs']) {
  check(`node ${file}`, () => {
    const out = JSON.parse(run(process.execPath, [file], { cwd: app }).trim().split('\n').at(-1));
    if (out.exports.some((n) => n === 0) || JSON.stringify(out.levels) !== '[4,1]') throw new Error(JSON.stringify(out));
    return `${out.entries} entries, pyramid levels ${out.levels.join('/')}`;
  });
}
for (const [entry, code] of Object.entries(needsPeer)) {
  for (const [kind, load] of [
    ['import', `import('${entry}')`],
    ['require', `Promise.resolve().then(() => require('${entry}'))`],
  ]) {
    check(`${kind} ${entry} without its optional peer → ${code}`, () => {
      const out = run(process.execPath, ['-e', `${load}.then(() => console.log('loaded'), (e) => console.log(e.code + ' ' + e.message))`], { cwd: app }).trim();
      if (!out.startsWith(code) || !/npm install /.test(out)) throw new Error(out);
      return out.slice(0, 120) + '…';
    });
  }
}

step('TypeScript: every entry, skipLibCheck false (lib: es2022 + dom), three resolution modes');
const typed = entries; // types of /train name TensorFlow.js types: checked with its peer missing too (see below)
writeFileSync(
  join(app, 'index.ts'),
  `${plain.map((e, i) => `import * as m${i} from '${e}';`).join('\n')}
import type { GpuLevel } from '@matryoshka/backend-webgpu';
import type { CudaLevel } from '@matryoshka/backend-cuda';
const grid: m${plain.indexOf('@matryoshka/core')}.TokenGrid = m${plain.indexOf('@matryoshka/core')}.tokenGrid(${grid}, { rows: 4, cols: 4, channels: 2 });
export const buffer = (level: GpuLevel): GPUBuffer => level.buffer;
export const pointer = (level: CudaLevel): bigint => level.pointer;
export const all = [${plain.map((_, i) => `m${i}`).join(', ')}, grid];
`,
);
const modes = [
  { name: 'commonjs/node10', module: 'commonjs', moduleResolution: 'node10' },
  { name: 'node16', module: 'node16', moduleResolution: 'node16' },
  { name: 'esnext/bundler', module: 'esnext', moduleResolution: 'bundler' },
];
const tsc = join(app, 'node_modules/typescript/bin/tsc');
/** A consumer's strict compiler options under one module mode, plus `extra`. */
const compilerOptions = (mode, extra) => ({
  target: 'es2022',
  module: mode.module,
  moduleResolution: mode.moduleResolution,
  strict: true,
  noEmit: true,
  types: ['node'],
  ...extra,
});
for (const mode of modes) {
  const config = join(app, `tsconfig.${mode.name.replace('/', '-')}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      // @webgpu/types and onnxruntime-common name DOM types (ImageData, EventTarget…): with
      // skipLibCheck false a consumer needs the DOM lib for them, whatever this project ships.
      compilerOptions: compilerOptions(mode, { skipLibCheck: false, lib: ['es2022', 'esnext.disposable', 'dom'] }),
      files: ['index.ts'],
    }),
  );
  check(`tsc ${mode.name}`, () => {
    run(process.execPath, [tsc, '-p', config], { cwd: app });
  });
}
check(`tsc resolves ${typed.filter((e) => e in needsPeer).join(', ')} under every mode (its peer's types missing is the only error)`, () => {
  const notes = [];
  for (const mode of modes) {
    const file = join(app, `train-${mode.name.replace('/', '-')}.ts`);
    writeFileSync(file, `import { matryoshkaLoss } from '@matryoshka/scale-predictor/train';\nexport const f = matryoshkaLoss;\n`);
    const config = join(app, `tsconfig.train-${mode.name.replace('/', '-')}.json`);
    writeFileSync(
      config,
      JSON.stringify({
        compilerOptions: compilerOptions(mode, { skipLibCheck: true }),
        files: [file],
      }),
    );
    try {
      run(process.execPath, [tsc, '-p', config], { cwd: app });
      notes.push(`${mode.name} ok`);
    } catch (error) {
      const out = String(error.stdout);
      if (/TS2307: Cannot find module '@matryoshka\/scale-predictor\/train'/.test(out)) throw error;
      notes.push(`${mode.name}: only the peer's types missing`);
    }
  }
  return notes.join('; ');
});

step('bin: matryoshka-oracle');
const bin = join(app, 'node_modules/.bin/matryoshka-oracle');
check('matryoshka-oracle --version', () => run(bin, ['--version'], { cwd: app }).trim());
check('matryoshka-oracle analyze <the shipped example records>', () => {
  const records = run(process.execPath, ['-p', "require.resolve('@matryoshka/scale-predictor/examples/records.jsonl')"], { cwd: app }).trim();
  const out = run(bin, ['analyze', records, '--group-by', 'type'], { cwd: app });
  if (!/oracle: 87\.5% at 97\.13 mean tokens/.test(out)) throw new Error(out);
  return records.replace(app, '<app>');
});

/**
 * A lockfile for the consumer: the @matryoshka packages from their tarballs, and every other
 * package at a version this repository's lockfile holds that satisfies the range asking for it.
 */
function consumerLock(root) {
  const semver = createRequire(join(repo, 'package.json'))('semver');
  const repoLock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')).packages;
  const candidates = new Map(); // name → lock entries of that package anywhere in the repository's tree
  for (const [key, entry] of Object.entries(repoLock)) {
    const at = key.lastIndexOf('node_modules/');
    if (at < 0 || entry.link) continue;
    const name = key.slice(at + 'node_modules/'.length);
    if (!candidates.has(name)) candidates.set(name, []);
    candidates.get(name).push(entry);
  }
  const packages = { '': { name: root.name, version: root.version, dependencies: root.dependencies, devDependencies: root.devDependencies } };
  const hoisted = new Map(); // name → version at node_modules/<name>
  const queue = [];
  const want = (entry, parentKey) => {
    for (const [name, range] of Object.entries(entry.dependencies ?? {})) queue.push({ name, range, parentKey, optional: false });
    for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) queue.push({ name, range, parentKey, optional: true });
    for (const [name, range] of Object.entries(entry.peerDependencies ?? {})) {
      if (!entry.peerDependenciesMeta?.[name]?.optional) queue.push({ name, range, parentKey, optional: false });
    }
  };
  for (const [name, spec] of Object.entries({ ...root.dependencies, ...root.devDependencies })) {
    if (packed[name]) {
      const { file, json } = packed[name];
      const integrity = `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
      const entry = { version: json.version, resolved: spec.slice('file:'.length), integrity, license: json.license };
      for (const k of ['dependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta', 'bin', 'engines']) if (json[k]) entry[k] = json[k];
      packages[`node_modules/${name}`] = entry;
      hoisted.set(name, json.version);
      want(entry, `node_modules/${name}`);
    } else {
      queue.push({ name, range: spec, parentKey: '', optional: false });
    }
  }
  while (queue.length > 0) {
    const { name, range, parentKey, optional } = queue.shift();
    if (hoisted.has(name) && semver.satisfies(hoisted.get(name), range)) continue;
    const nestedKey = `${parentKey}/node_modules/${name}`;
    if (packages[nestedKey]) continue;
    const found = (candidates.get(name) ?? []).filter((e) => semver.satisfies(e.version, range)).sort((a, b) => semver.rcompare(a.version, b.version))[0];
    if (found === undefined) {
      if (optional) continue; // e.g. another platform's binary the repository never locked
      throw new Error(`no locked version of ${name} satisfies ${range} (wanted by ${parentKey || 'the consumer'})`);
    }
    const entry = Object.fromEntries(Object.entries(found).filter(([k]) => !['dev', 'devOptional', 'peer', 'extraneous', 'inBundle'].includes(k)));
    if (optional) entry.optional = true;
    const key = hoisted.has(name) ? nestedKey : `node_modules/${name}`;
    if (!hoisted.has(name)) hoisted.set(name, found.version);
    packages[key] = entry;
    want(entry, key);
  }
  return { name: root.name, version: root.version, lockfileVersion: 3, requires: true, packages };
}

console.log(failures.length === 0 ? '\nconsumer check: every check passed' : `\nconsumer check: ${failures.length} failed: ${failures.join('; ')}`);
if (keep) console.log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
process.exitCode = failures.length === 0 ? 0 : 1;
