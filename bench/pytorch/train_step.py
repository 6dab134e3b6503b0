#!/usr/bin/env python3
"""PyTorch peer of `catrain bench train`: times one full training step (forward, loss, backward,
SGD with momentum) of a CIFAR ResNet on synthetic CIFAR-shaped data. Prints {"img_s", "ms_step"}.

    /usr/bin/python3 bench/pytorch/train_step.py --model resnet20 --batch 128 --steps 30
"""
import argparse
import json
import os
import statistics
import time

import torch
import torch.nn.functional as F

from resnet_cifar import CifarResNet


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="resnet20")
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--nchw", action="store_true", help="plain layout instead of channels-last")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    fmt = torch.contiguous_format if args.nchw else torch.channels_last
    model = CifarResNet(int(args.model.removeprefix("resnet"))).to(args.device).to(memory_format=fmt)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
    x = torch.randn(args.batch, 3, 32, 32, device=args.device).contiguous(memory_format=fmt)
    y = torch.randint(0, 10, (args.batch,), device=args.device)

    def step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        opt.step()

    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.steps):
        if args.device.startswith("cuda"):
            torch.cuda.synchronize()
        start = time.perf_counter()
        step()
        if args.device.startswith("cuda"):
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    ms = statistics.median(times) * 1000
    print(json.dumps({"img_s": round(args.batch / (ms / 1000), 1), "ms_step": round(ms, 2),
                      "model": args.model, "batch": args.batch, "threads": args.threads,
                      "layout": "nchw" if args.nchw else "channels_last", "torch": torch.__version__}))


if __name__ == "__main__":
    main()
