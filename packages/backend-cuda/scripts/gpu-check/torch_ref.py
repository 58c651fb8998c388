#!/usr/bin/env python3
"""PyTorch side of gpu-check: the reference pooling and its timings, on CUDA.

  torch_ref.py parity JOB.json   pools each case's input (little-endian float32 files) with
                                 F.avg_pool2d per level, in the case's dtype, and writes float32 results
  torch_ref.py bench  JOB.json   times the M3 levels (avg_pool2d per level) and a device copy of the
                                 input, with CUDA events; prints one JSON line
  torch_ref.py info              prints torch's version and device as JSON

Pooling follows the official M3 code: (B, H*W, C) is viewed as (B, C, H, W) through a permute,
pooled with F.avg_pool2d(x, k, k) (floor mode, padding 0), and flattened back to (B, tokens, C).
"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

# MATRYOSHKA_TORCH_DEVICE=cpu tries the script without a GPU (its timings then mean nothing).
DEVICE = os.environ.get("MATRYOSHKA_TORCH_DEVICE", "cuda")
DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}


def level(x, rows, cols, k):
    b, _, c = x.shape
    grid = x.view(b, rows, cols, c).permute(0, 3, 1, 2)
    return F.avg_pool2d(grid, k, k).flatten(2).transpose(1, 2)


def parity(job):
    for case in job["cases"]:
        f, h, w, c = case["frames"], case["rows"], case["cols"], case["channels"]
        data = torch.from_file(case["input"], size=f * h * w * c, dtype=torch.float32)
        x = data.view(f, h * w, c).to(DEVICE, DTYPES[case["dtype"]])
        for k, out in zip(case["kernels"], case["outputs"]):
            y = level(x, h, w, k).float().contiguous().cpu()
            y.numpy().tofile(out)
    print(json.dumps({"ok": True}))


def timed(fn, iterations):
    for _ in range(3):
        fn()
    if DEVICE == "cpu":
        t = time.perf_counter()
        for _ in range(iterations):
            fn()
        return (time.perf_counter() - t) * 1000 / iterations
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(iterations):
        fn()
    end.record()
    end.synchronize()
    return start.elapsed_time(end) / iterations


def bench(job):
    results = []
    for case in job["cases"]:
        f, h, w, c = case["frames"], case["rows"], case["cols"], case["channels"]
        x = torch.randn(f, h * w, c, device=DEVICE).to(DTYPES[case["dtype"]])
        kernels = case["kernels"]
        pyramid_ms = timed(lambda: [level(x, h, w, k) for k in kernels], case["iterations"])
        y = torch.empty_like(x)
        copy_ms = timed(lambda: y.copy_(x), case["iterations"])
        results.append({**case, "torch_ms": pyramid_ms, "torch_copy_ms": copy_ms})
        del x, y
        if DEVICE == "cuda":
            torch.cuda.empty_cache()
    print(json.dumps({"results": results}))


def info():
    if DEVICE == "cpu":
        name = "cpu"
    else:
        name = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    print(json.dumps({"torch": torch.__version__, "cuda": torch.version.cuda, "device": name}))


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "info"
    if mode == "info":
        info()
    else:
        with open(sys.argv[2]) as fh:
            {"parity": parity, "bench": bench}[mode](json.load(fh))
