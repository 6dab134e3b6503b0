#!/usr/bin/env python3
"""Where a PyTorch training step of a CIFAR ResNet spends its time, by operator family. This is the
evidence behind docs/benchmarks.md's argument that the step is bound by convolution kernels, which
catrain and PyTorch share, so less per-op overhead cannot buy a large lead.

Runs the same step as train_step.py (synthetic data, channels-last, SGD Nesterov) under
torch.profiler and groups the operators' self time into families. Prints one JSON object with
milliseconds per step for each family, their share of the profiled step, and the unprofiled step time.

    /usr/bin/python3 bench/pytorch/step_breakdown.py --model resnet20 --batch 128 --steps 10
"""
import argparse
import json
import os
import statistics
import time

import torch
import torch.nn.functional as F
from torch.profiler import ProfilerActivity, profile

from resnet_cifar import CifarResNet

FAMILIES = {
    "convolution": ("aten::mkldnn_convolution", "aten::convolution_backward", "aten::thnn_conv2d"),
    "batch_norm": ("aten::native_batch_norm", "aten::native_batch_norm_backward"),
    "elementwise": ("aten::add", "aten::add_", "aten::relu", "aten::relu_", "aten::clamp_min",
                    "aten::clamp_min_", "aten::threshold_backward"),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="resnet20")
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    fmt = torch.channels_last
    model = CifarResNet(int(args.model.removeprefix("resnet"))).to(memory_format=fmt)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
    x = torch.randn(args.batch, 3, 32, 32).contiguous(memory_format=fmt)
    y = torch.randint(0, 10, (args.batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        opt.step()

    for _ in range(5):
        step()
    wall = []
    for _ in range(args.steps):
        start = time.perf_counter()
        step()
        wall.append(time.perf_counter() - start)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(args.steps):
            step()
    by_name = {e.key: e.self_cpu_time_total for e in prof.key_averages()}
    total_us = sum(by_name.values())
    ms = {family: sum(by_name.get(name, 0) for name in names) / args.steps / 1000
          for family, names in FAMILIES.items()}
    ms["other"] = total_us / args.steps / 1000 - sum(ms.values())
    profiled = total_us / args.steps / 1000
    print(json.dumps({
        "model": args.model, "batch": args.batch, "threads": args.threads, "torch": torch.__version__,
        "step_ms_unprofiled": round(statistics.median(wall) * 1000, 2),
        "step_ms_profiled": round(profiled, 2),
        "ms_per_step": {k: round(v, 2) for k, v in ms.items()},
        "share": {k: round(v / profiled, 3) for k, v in ms.items()},
    }))


if __name__ == "__main__":
    main()
