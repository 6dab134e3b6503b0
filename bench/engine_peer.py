#!/usr/bin/env python3
"""PyTorch peer of bench/engine.ts: the same three measurements, printed as one JSON object.

Run with Debian's python3-torch (apt-get install python3-torch) or any PyTorch:
    /usr/bin/python3 bench/engine_peer.py [--device cuda] [--channels-last] [--threads N]
"""
import argparse
import json
import os
import statistics
import time

import torch


def sync(device):
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def time_it(fn, rounds, per_round, warmup, device):
    for _ in range(warmup):
        fn()
    sync(device)
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(per_round):
            fn()
        sync(device)
        samples.append((time.perf_counter() - start) / per_round)
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--channels-last", action="store_true")
    # Debian's torch starts with one intra-op thread; catrain uses every core, so match it.
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = args.device
    fmt = torch.channels_last if args.channels_last else torch.contiguous_format

    a = torch.ones(1, device=device)
    b = torch.ones(1, device=device)
    op_us = time_it(lambda: a + b, 31, 2000, 5000, device) * 1e6

    batch, channels, size = 32, 16, 32
    x = torch.randn(batch, channels, size, size, device=device).contiguous(memory_format=fmt).requires_grad_()
    w = (torch.randn(channels, channels, 3, 3, device=device) * 0.1).contiguous(memory_format=fmt).requires_grad_()

    def step():
        torch.relu(torch.nn.functional.conv2d(x, w, padding=1)).mean().backward()
        x.grad = None
        w.grad = None

    conv_s = time_it(step, 15, 10, 30, device)
    conv_gflops = 3 * 2 * batch * size * size * channels * channels * 9 / conv_s / 1e9

    m1 = torch.randn(512, 512, device=device)
    m2 = torch.randn(512, 512, device=device)
    mm_s = time_it(lambda: m1 @ m2, 15, 20, 20, device)
    print(json.dumps({
        "op_overhead_us": round(op_us, 3),
        "conv_step_gflops": round(conv_gflops, 2),
        "matmul512_gflops": round(2 * 512 ** 3 / mm_s / 1e9, 2),
        "device": device,
        "channels_last": args.channels_last,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
