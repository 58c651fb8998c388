#!/usr/bin/env bash
# gpu-check.sh: @matryoshka/backend-webgpu on a real GPU, in one go: install, build, the package's
# vitest suite on the GPU, then the full WebGPU bench (with the 256-frame batch), ending with one table.
#
# Assumes (nothing of this is installed here):
#   - Linux x86-64 with Node.js >= 20.10 and npm on PATH;
#   - a Vulkan driver for the GPU that Dawn accepts. NVIDIA: the driver's Vulkan ICD (nvidia_icd.json
#     and libGLX_nvidia.so.0); in a container, NVIDIA_DRIVER_CAPABILITIES must include `graphics`
#     (`compute,utility` alone gives CUDA but no Vulkan). `vulkaninfo --summary` should list the GPU;
#   - network access for `npm ci` only (the npm registry); `--no-install` skips it and uses the
#     node_modules already there. onnxruntime-node's postinstall (a CUDA download) stays disabled;
#   - the PyTorch fixtures the tests compare with: ../shared/fixtures/pytorch beside the repository,
#     or MATRYOSHKA_FIXTURES pointing at them.
#
# Usage, from anywhere in the repository:
#   bash packages/backend-webgpu/scripts/gpu-check.sh [--allow-cpu] [--quick] [--no-install] [--large|--no-large]
#     --allow-cpu   go on when the only adapter is a software one (SwiftShader, llvmpipe): to try the
#                   script without a GPU; its timings say nothing about GPU speed
#     --quick       short bench (few samples)
#     --no-install  skip `npm ci`
#     --large       add the 256×24×24×1024 batch (default on a hardware adapter)
#     --no-large    leave it out
#
# Vulkan: MATRYOSHKA_WEBGPU_REAL=1 (exported here) stops the package's vitest.config.ts from pointing
# VK_ICD_FILENAMES at SwiftShader. The script keeps your VK_ICD_FILENAMES if you set one; else it
# lists the hardware ICD files of the loader's standard folders (software drivers left out); else it
# leaves the variable unset (the loader's own search). Only with --allow-cpu, and only when that gives
# no adapter, does it fall back to SwiftShader.
#
# Exit status: 0 all passed; 1 a step failed; 2 no WebGPU adapter; 3 only a software adapter
# (without --allow-cpu); 64 bad arguments.
set -euo pipefail

allow_cpu=0 quick=0 install=1 large=auto
for arg in "$@"; do
  case "$arg" in
    --allow-cpu) allow_cpu=1 ;;
    --quick) quick=1 ;;
    --no-install) install=0 ;;
    --large) large=1 ;;
    --no-large) large=0 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "gpu-check: unknown argument $arg (see --help)" >&2; exit 64 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
pkg="$root/packages/backend-webgpu"
cd "$root"
step() { printf '\n== %s\n' "$*"; }
die() { echo "gpu-check: $*" >&2; exit 1; }

step "Node.js"
command -v node >/dev/null || die "node is not on PATH (Node.js >= 20.10 is assumed, not installed by this script)"
command -v npm >/dev/null || die "npm is not on PATH"
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 10) ? 0 : 1)' ||
  die "Node.js $(node --version) is too old: >= 20.10 needed"
echo "node $(node --version), npm $(npm --version)"

if [ "$install" = 1 ]; then
  step "npm ci"
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
fi

step "build (@matryoshka/backend-webgpu and its workspace dependencies)"
TURBO_TELEMETRY_DISABLED=1 npx --no-install turbo run build --filter=@matryoshka/backend-webgpu... --output-logs=errors-only

if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -d "$XDG_RUNTIME_DIR" ]; then
  XDG_RUNTIME_DIR="$(mktemp -d)"
  chmod 700 "$XDG_RUNTIME_DIR"
  export XDG_RUNTIME_DIR
fi

# Hardware Vulkan ICD files in the loader's standard folders (software drivers left out).
hardware_icds() {
  local dir file
  for dir in /etc/vulkan/icd.d /usr/local/share/vulkan/icd.d /usr/share/vulkan/icd.d; do
    [ -d "$dir" ] || continue
    for file in "$dir"/*.json; do
      [ -f "$file" ] || continue
      case "$(basename "$file")" in *lvp* | *swiftshader* | *llvmpipe* | *lavapipe*) continue ;; esac
      printf '%s\n' "$file"
    done
  done | paste -sd: -
}

probe() { (cd "$pkg" && npx --no-install tsx bench/probe.ts); }

step "WebGPU adapter"
# vitest.config.ts then leaves the Vulkan drivers alone instead of forcing SwiftShader.
export MATRYOSHKA_WEBGPU_REAL=1
if [ -n "${VK_ICD_FILENAMES:-}" ]; then
  echo "VK_ICD_FILENAMES (yours): $VK_ICD_FILENAMES"
  export VK_ICD_FILENAMES
elif icds="$(hardware_icds)" && [ -n "$icds" ]; then
  export VK_ICD_FILENAMES="$icds"
  echo "VK_ICD_FILENAMES (hardware ICDs found): $VK_ICD_FILENAMES"
else
  unset VK_ICD_FILENAMES
  echo "VK_ICD_FILENAMES: unset (no hardware ICD file in the standard folders; the Vulkan loader searches)"
fi
status=0
probe || status=$?
if [ "$status" != 0 ]; then
  swiftshader=/usr/lib/chromium/vk_swiftshader_icd.json
  if [ "$allow_cpu" != 1 ]; then
    if [ "$status" = 3 ]; then
      echo "gpu-check: the only WebGPU adapter is a software one (CPU emulation): refusing to test or time it as a GPU." >&2
    else
      echo "gpu-check: Dawn found no WebGPU adapter on the Vulkan drivers above." >&2
    fi
    echo "  Check \`vulkaninfo --summary\`, the GPU's Vulkan ICD (NVIDIA: nvidia_icd.json; containers: NVIDIA_DRIVER_CAPABILITIES=...,graphics)," >&2
    echo "  or pass --allow-cpu to run on SwiftShader anyway." >&2
    exit "$status"
  fi
  if [ "$status" = 2 ]; then
    [ -f "$swiftshader" ] || die "no adapter, and no SwiftShader at $swiftshader (Debian: apt-get install chromium libvulkan1)"
    echo "--allow-cpu: no adapter on those drivers; using SwiftShader ($swiftshader)"
    export VK_ICD_FILENAMES="$swiftshader"
    status=0
    probe || status=$?
    [ "$status" = 0 ] || [ "$status" = 3 ] || die "no WebGPU adapter even on SwiftShader"
  fi
  echo "--allow-cpu: going on with a software adapter; its timings say nothing about GPU speed."
  software=1
else
  software=0
fi
[ "$large" = auto ] && large=$((1 - software))

fixtures="${MATRYOSHKA_FIXTURES:-$root/../shared/fixtures/pytorch}"
[ -f "$fixtures/manifest.json" ] || echo "warning: no PyTorch fixtures at $fixtures: the fixture cases will fail (set MATRYOSHKA_FIXTURES)" >&2

mkdir -p "$pkg/bench-results"
log="$pkg/bench-results/gpu-check.log"
: >"$log"

step "vitest (packages/backend-webgpu), VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-<unset>}"
tests=passed
# pipefail is set: the status is vitest's, not tee's.
(cd "$pkg" && npx --no-install vitest run) 2>&1 | tee -a "$log" || tests=failed

step "bench"
bench_args=()
[ "$quick" = 1 ] && bench_args+=(--quick)
[ "$large" = 1 ] && bench_args+=(--large)
bench=passed
(cd "$pkg" && npx --no-install tsx bench/run.ts ${bench_args[@]+"${bench_args[@]}"}) 2>&1 | tee -a "$log" || bench=failed

step "summary"
echo "tests: $tests; bench: $bench${bench_args[*]:+ (${bench_args[*]})}; full log: $log"
if [ "$bench" = passed ]; then
  (cd "$pkg" && npx --no-install tsx bench/summary.ts)
fi
[ "$tests" = passed ] && [ "$bench" = passed ]
