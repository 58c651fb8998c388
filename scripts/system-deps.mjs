#!/usr/bin/env node
// The first step of `npm test`: makes sure the system packages the tests need are installed.
//
//   chromium               Debian's Chromium: the browser tests drive it, and it ships SwiftShader,
//                          the Vulkan driver on the CPU that Dawn (WebGPU in Node) uses without a GPU
//   libvulkan1             the Vulkan loader Dawn opens
//   dataset-fashion-mnist  the labelled images of the mosaic-QA study and its test (MIT, 31 MB)
//
// Where one is missing: as root, or with sudo, it runs apt-get; otherwise it stops (exit 1) with
// the exact command to run. `--check` only reports; MATRYOSHKA_SYSTEM_DEPS=skip skips the step.
// Paths can be moved with MATRYOSHKA_CHROMIUM, VK_ICD_FILENAMES and MATRYOSHKA_FASHION_MNIST.
// Uses only Node's standard library: it runs before anything is built.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const FASHION_MNIST_FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];

const linux = process.platform === 'linux';

function hasVulkanLoader() {
  try {
    if (/\blibvulkan\.so\.1\b/.test(execFileSync('ldconfig', ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))) return true;
  } catch {
    // ldconfig may be missing or outside PATH (it lives in /sbin): look in the usual folders.
  }
  const dirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu'];
  return dirs.some((dir) => existsSync(join(dir, 'libvulkan.so.1')));
}

/** What the tests need, each with how to check it and where it comes from. */
const requirements = [
  {
    what: 'Chromium (browser tests)',
    debian: 'chromium',
    ok: () => existsSync(process.env.MATRYOSHKA_CHROMIUM ?? '/usr/bin/chromium'),
    elsewhere: 'install Chromium or Chrome and set MATRYOSHKA_CHROMIUM to its executable',
  },
  {
    what: 'SwiftShader Vulkan driver (WebGPU tests in Node without a GPU)',
    debian: 'chromium',
    linuxOnly: true,
    ok: () => (process.env.VK_ICD_FILENAMES ? process.env.VK_ICD_FILENAMES.split(':').every((f) => existsSync(f)) : existsSync(SWIFTSHADER_ICD)),
    elsewhere: `set VK_ICD_FILENAMES to a Vulkan driver's ICD file (Debian's chromium ships ${SWIFTSHADER_ICD})`,
  },
  {
    what: 'Vulkan loader libvulkan.so.1 (Dawn)',
    debian: 'libvulkan1',
    linuxOnly: true,
    ok: hasVulkanLoader,
    elsewhere: "install your distribution's Vulkan loader package (libvulkan1, vulkan-loader)",
  },
  {
    what: 'Fashion-MNIST (the mosaic-QA study test)',
    debian: 'dataset-fashion-mnist',
    ok: () => {
      const dir = process.env.MATRYOSHKA_FASHION_MNIST ?? '/usr/share/datasets/fashion-mnist';
      return FASHION_MNIST_FILES.every((f) => existsSync(join(dir, f)));
    },
    elsewhere: `put ${FASHION_MNIST_FILES.join(', ')} (github.com/zalandoresearch/fashion-mnist) in a folder and set MATRYOSHKA_FASHION_MNIST to it`,
  },
].filter((r) => linux || !r.linuxOnly);

function missing() {
  return requirements.filter((r) => !r.ok());
}

function commandExists(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** `[]` as root, `['sudo']` where sudo runs without a password or can ask on a terminal, else null. */
function elevation() {
  if (typeof process.getuid === 'function' && process.getuid() === 0) return [];
  if (!commandExists('sudo')) return null;
  if (spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0) return ['sudo'];
  return process.stdin.isTTY ? ['sudo'] : null;
}

function aptGet(prefix, args) {
  const [cmd, ...rest] = [...prefix, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args];
  console.log(`system-deps: ${[cmd, ...rest].join(' ')}`);
  const run = spawnSync(cmd, rest, { stdio: ['inherit', 'ignore', 'inherit'] });
  return run.status === 0;
}

function main() {
  if (process.env.MATRYOSHKA_SYSTEM_DEPS === 'skip') {
    console.log('system-deps: skipped (MATRYOSHKA_SYSTEM_DEPS=skip); tests that need a missing package will fail');
    return 0;
  }
  const checkOnly = process.argv.includes('--check');
  let absent = missing();
  if (absent.length === 0) {
    console.log(
      `system-deps: ok (${requirements
        .map((r) => r.debian)
        .filter((p, i, all) => all.indexOf(p) === i)
        .join(', ')})`,
    );
    return 0;
  }
  const apt = linux && commandExists('apt-get');
  const packages = [...new Set(absent.map((r) => r.debian))];
  const command = `sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}`;
  for (const r of absent) console.log(`system-deps: missing ${r.what}`);
  if (!apt) {
    console.error('system-deps: no apt-get here; provide them yourself, then run npm test again:');
    for (const r of absent) console.error(`  - ${r.what}: ${r.elsewhere}`);
    console.error('  (or set MATRYOSHKA_SYSTEM_DEPS=skip to run the tests anyway; those that need them fail)');
    return 1;
  }
  const prefix = checkOnly ? null : elevation();
  if (prefix === null) {
    console.error(
      `system-deps: ${checkOnly ? 'to install them, run' : 'cannot install them without root or sudo; run'}:\n\n  ${command}\n\nthen npm test again.`,
    );
    return 1;
  }
  // A fresh image has no package lists: update first, then install.
  if (!aptGet(prefix, ['-qq', 'update']) || !aptGet(prefix, ['-qq', 'install', '-y', ...packages])) {
    console.error(`system-deps: apt-get failed; run it yourself:\n\n  ${command}\n`);
    return 1;
  }
  absent = missing();
  if (absent.length > 0) {
    for (const r of absent) console.error(`system-deps: still missing after apt-get: ${r.what}; ${r.elsewhere}`);
    return 1;
  }
  console.log(`system-deps: installed ${packages.join(' ')}`);
  return 0;
}

process.exitCode = main();
