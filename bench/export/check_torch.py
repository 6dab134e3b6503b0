#!/usr/bin/env python3
"""Rebuilds a catrain safetensors export in PyTorch and compares its logits with catrain's (a bench).

    node dist/bench/export/reference.js --run RUN --out OUT     # writes OUT/torch and OUT/reference.safetensors
    /usr/bin/python3 bench/export/check_torch.py OUT

The network is built from the exported files alone: layer widths from the weight shapes, removed
residual blocks absent (their keys are missing), the stride pattern from the model name in
architecture.json. Covers the CIFAR ResNets, lenet5 and lenet300. Reads safetensors with a few
lines of its own so that only torch is needed (safetensors.torch.load_file gives the same dict).
"""
import json
import struct
import sys
from pathlib import Path

import torch
from torch import nn

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "I32": torch.int32, "U8": torch.uint8, "BOOL": torch.bool}


def read_safetensors(path):
    raw = Path(path).read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + length])
    metadata = header.pop("__metadata__", {})
    body = raw[8 + length :]
    tensors = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        data = bytearray(body[start:end])
        tensors[name] = torch.frombuffer(data, dtype=DTYPES[info["dtype"]]).reshape(info["shape"]) if end > start else torch.zeros(info["shape"], dtype=DTYPES[info["dtype"]])
    return tensors, metadata


def conv_bn(state, prefix_conv, prefix_bn, stride, padding):
    out_ch, in_ch, k, _ = state[f"{prefix_conv}.weight"].shape
    return nn.Conv2d(in_ch, out_ch, k, stride=stride, padding=padding, bias=False), nn.BatchNorm2d(out_ch)


class Block(nn.Module):
    """A CIFAR ResNet basic block; without conv1 in the state dict its branch was removed by CAT."""

    def __init__(self, state, prefix, stride):
        super().__init__()
        self.has_branch = f"{prefix}.conv1.weight" in state
        if self.has_branch:
            self.conv1, self.bn1 = conv_bn(state, f"{prefix}.conv1", f"{prefix}.bn1", stride, 1)
            self.conv2, self.bn2 = conv_bn(state, f"{prefix}.conv2", f"{prefix}.bn2", 1, 1)
        if f"{prefix}.shortcut.0.weight" in state:
            conv, bn = conv_bn(state, f"{prefix}.shortcut.0", f"{prefix}.shortcut.1", stride, 0)
            self.shortcut = nn.Sequential(conv, bn)
        else:
            self.shortcut = nn.Identity()

    def forward(self, x):
        identity = self.shortcut(x)
        if not self.has_branch:
            return torch.relu(identity)
        out = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(out + identity)


class CifarResNet(nn.Module):
    def __init__(self, state, depth):
        super().__init__()
        self.conv1, self.bn1 = conv_bn(state, "conv1", "bn1", 1, 1)
        blocks = (depth - 2) // 6
        for s in range(3):
            stage = nn.Sequential(*[Block(state, f"layer{s + 1}.{b}", 2 if b == 0 and s > 0 else 1) for b in range(blocks)])
            setattr(self, f"layer{s + 1}", stage)
        out_features, in_features = state["fc.weight"].shape
        self.fc = nn.Linear(in_features, out_features)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


def lenet5(state):
    w = lambda key: state[key].shape
    return nn.Sequential(
        nn.Conv2d(w("0.weight")[1], w("0.weight")[0], 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(w("3.weight")[1], w("3.weight")[0], 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(w("7.weight")[1], w("7.weight")[0]), nn.ReLU(),
        nn.Linear(w("9.weight")[1], w("9.weight")[0]), nn.ReLU(),
        nn.Linear(w("11.weight")[1], w("11.weight")[0]),
    )


def lenet300(state):
    w = lambda key: state[key].shape
    return nn.Sequential(
        nn.Flatten(), nn.Linear(w("1.weight")[1], w("1.weight")[0]), nn.ReLU(),
        nn.Linear(w("3.weight")[1], w("3.weight")[0]), nn.ReLU(), nn.Linear(w("5.weight")[1], w("5.weight")[0]),
    )


def build(name, state):
    if name.startswith("resnet") and (int(name[6:]) - 2) % 6 == 0 and int(name[6:]) not in (18, 34, 50):
        return CifarResNet(state, int(name[6:]))
    if name == "lenet5":
        return lenet5(state)
    if name == "lenet300":
        return lenet300(state)
    raise SystemExit(f"check_torch.py has no PyTorch definition for '{name}'")


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "export-check")
    architecture = json.loads((out / "torch" / "architecture.json").read_text())
    state, metadata = read_safetensors(out / "torch" / "model.safetensors")
    model = build(architecture["model"], state)
    model.load_state_dict(state, strict=True)
    model.eval()
    reference, _ = read_safetensors(out / "reference.safetensors")
    normalization = json.loads(metadata["normalization"])
    mean = torch.tensor(normalization["mean"]).view(1, -1, 1, 1)
    std = torch.tensor(normalization["std"]).view(1, -1, 1, 1)
    with torch.no_grad():
        logits = model((reference["input"] - mean) / std)
    difference = (logits - reference["logits"]).abs().max().item()
    same = (logits.argmax(1) == reference["logits"].argmax(1)).sum().item()
    removed = [b["id"] for b in architecture["blocks"] if b["removed"]]
    print(json.dumps({"model": architecture["model"], "torch": torch.__version__, "images": logits.shape[0], "removed_blocks": removed,
                      "params": sum(p.numel() for p in model.parameters()), "max_abs_diff": difference, "same_top1": same}))
    if difference > 1e-4:
        raise SystemExit(f"PyTorch logits differ from catrain's by {difference} (more than 1e-4)")


if __name__ == "__main__":
    main()
