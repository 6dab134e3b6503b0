#!/usr/bin/env python3
"""Plain PyTorch reference for catrain's "cifar-quick" protocol:
ResNet-20 on CIFAR-10, batch 128, SGD momentum 0.9 Nesterov, lr 0.1 with a one-epoch linear warm-up
then cosine to 0 (per step), weight decay 5e-4 (not on BN or biases), pad-4 random crop + flip,
per-channel normalisation, 15 epochs, evaluated on the 10,000 test images. Channels-last, all cores.
Prints one JSON line per epoch; augmentation runs in the training loop and is included in img/s.

    /usr/bin/python3 bench/pytorch/cifar_quick.py --data ../shared/data/cifar-10-batches-bin [--epochs 15] [--seed 0]
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from resnet_cifar import CifarResNet

MEAN = torch.tensor([0.4914, 0.4822, 0.4465]).view(1, 3, 1, 1)
STD = torch.tensor([0.2470, 0.2435, 0.2616]).view(1, 3, 1, 1)


def load_cifar10(directory, train):
    files = [f"data_batch_{i}.bin" for i in range(1, 6)] if train else ["test_batch.bin"]
    raw = np.concatenate([np.fromfile(os.path.join(directory, f), dtype=np.uint8).reshape(-1, 3073) for f in files])
    return torch.from_numpy(raw[:, 1:].reshape(-1, 3, 32, 32).copy()), torch.from_numpy(raw[:, 0].astype(np.int64))


def normalise(images_uint8):
    return ((images_uint8.float() / 255.0) - MEAN) / STD


def augment(batch_uint8, generator):
    n = batch_uint8.shape[0]
    padded = F.pad(batch_uint8, (4, 4, 4, 4))
    offsets = torch.randint(0, 9, (n, 2), generator=generator)
    crops = torch.stack([padded[i, :, oy:oy + 32, ox:ox + 32] for i, (oy, ox) in enumerate(offsets.tolist())])
    flip = torch.rand(n, generator=generator) < 0.5
    crops[flip] = crops[flip].flip(3)
    return normalise(crops)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)

    train_x, train_y = load_cifar10(args.data, True)
    test_x, test_y = load_cifar10(args.data, False)
    model = CifarResNet(20).to(memory_format=torch.channels_last)
    decay = [p for n, p in model.named_parameters() if p.ndim > 1]
    no_decay = [p for n, p in model.named_parameters() if p.ndim <= 1]
    opt = torch.optim.SGD([{"params": decay, "weight_decay": 5e-4}, {"params": no_decay, "weight_decay": 0.0}],
                          lr=0.1, momentum=0.9, nesterov=True)
    steps_per_epoch = math.ceil(len(train_x) / args.batch)
    total, warmup = steps_per_epoch * args.epochs, steps_per_epoch

    def rate(step):
        if step < warmup:
            return 0.1 * (step + 1) / warmup
        return 0.1 * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))

    step, started = 0, time.perf_counter()
    for epoch in range(args.epochs):
        model.train()
        epoch_start = time.perf_counter()
        order = torch.randperm(len(train_x), generator=generator)
        loss_sum, correct = 0.0, 0
        for start in range(0, len(train_x), args.batch):
            index = order[start:start + args.batch]
            x = augment(train_x[index], generator).contiguous(memory_format=torch.channels_last)
            y = train_y[index]
            for group in opt.param_groups:
                group["lr"] = rate(step)
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            loss_sum += loss.item() * len(index)
            correct += (logits.argmax(1) == y).sum().item()
        epoch_s = time.perf_counter() - epoch_start
        model.eval()
        test_correct = 0
        with torch.no_grad():
            for start in range(0, len(test_x), 1000):
                x = normalise(test_x[start:start + 1000]).contiguous(memory_format=torch.channels_last)
                test_correct += (model(x).argmax(1) == test_y[start:start + 1000]).sum().item()
        print(json.dumps({
            "epoch": epoch + 1, "train_loss": round(loss_sum / len(train_x), 4),
            "train_acc": round(100 * correct / len(train_x), 2), "test_acc": round(100 * test_correct / len(test_x), 2),
            "epoch_s": round(epoch_s, 1), "img_s": round(len(train_x) / epoch_s, 1),
            "elapsed_s": round(time.perf_counter() - started, 1),
        }), flush=True)


if __name__ == "__main__":
    main()
