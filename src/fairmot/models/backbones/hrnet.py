"""HRNet-W18: four parallel resolutions (strides 4, 8, 16, 32) exchanging information, the
outputs up-sampled to stride 4 and concatenated (18 + 36 + 72 + 144 = 270 channels)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

BN_MOMENTUM = 0.1
#: (modules, blocks per branch, channels per branch) of stages 2-4 of HRNet-W18.
W18_STAGES = ((1, 4, (18, 36)), (4, 4, (18, 36, 72)), (3, 4, (18, 36, 72, 144)))


def _bn(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, momentum=BN_MOMENTUM)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes: int, planes: int):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, padding=1, bias=False)
        self.bn1 = _bn(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = _bn(planes)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        return self.relu(self.bn2(self.conv2(out)) + x)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes: int, planes: int):
        super().__init__()
        out = planes * self.expansion
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = _bn(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = _bn(planes)
        self.conv3 = nn.Conv2d(planes, out, 1, bias=False)
        self.bn3 = _bn(out)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if inplanes != out:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, out, 1, bias=False), _bn(out))

    def forward(self, x):
        residual = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        return self.relu(self.bn3(self.conv3(out)) + residual)


class HighResolutionModule(nn.Module):
    """Parallel branches of BasicBlocks, then every branch fused into every other."""

    def __init__(self, channels: tuple, blocks: int):
        super().__init__()
        self.branches = nn.ModuleList(
            nn.Sequential(*[BasicBlock(c, c) for _ in range(blocks)]) for c in channels
        )
        self.fuse_layers = nn.ModuleList()
        for i, ci in enumerate(channels):
            row = nn.ModuleList()
            for j, cj in enumerate(channels):
                if j > i:  # coarser: 1x1 to the channels, up-sampled in forward
                    row.append(nn.Sequential(nn.Conv2d(cj, ci, 1, bias=False), _bn(ci)))
                elif j == i:
                    row.append(nn.Identity())
                else:  # finer: i - j stride-2 3x3 convolutions
                    steps = []
                    for k in range(i - j):
                        last = k == i - j - 1
                        out = ci if last else cj
                        steps += [nn.Conv2d(cj, out, 3, stride=2, padding=1, bias=False), _bn(out)]
                        if not last:
                            steps.append(nn.ReLU(inplace=True))
                    row.append(nn.Sequential(*steps))
            self.fuse_layers.append(row)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, xs: list) -> list:
        xs = [branch(x) for branch, x in zip(self.branches, xs)]
        fused = []
        for i, row in enumerate(self.fuse_layers):
            total = 0
            for j, layer in enumerate(row):
                y = layer(xs[j])
                if j > i:
                    y = F.interpolate(y, size=xs[i].shape[-2:], mode="nearest")
                total = total + y
            fused.append(self.relu(total))
        return fused


class HRNet(nn.Module):
    """HRNet trunk; forward returns a (B, sum(channels), H/4, W/4) map."""

    def __init__(self, stages=W18_STAGES):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 3, stride=2, padding=1, bias=False)
        self.bn1 = _bn(64)
        self.conv2 = nn.Conv2d(64, 64, 3, stride=2, padding=1, bias=False)
        self.bn2 = _bn(64)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = nn.Sequential(Bottleneck(64, 64), *[Bottleneck(256, 64) for _ in range(3)])
        previous = (256,)
        self.transitions = nn.ModuleList()
        self.stages = nn.ModuleList()
        for modules, blocks, channels in stages:
            self.transitions.append(self._transition(previous, channels))
            self.stages.append(
                nn.Sequential(*[HighResolutionModule(channels, blocks) for _ in range(modules)])
            )
            previous = channels
        self.out_channels = sum(previous)

    @staticmethod
    def _transition(previous: tuple, channels: tuple) -> nn.ModuleList:
        layers = nn.ModuleList()
        for i, c in enumerate(channels):
            if i < len(previous):
                if previous[i] == c:
                    layers.append(nn.Identity())
                else:
                    layers.append(
                        nn.Sequential(
                            nn.Conv2d(previous[i], c, 3, padding=1, bias=False),
                            _bn(c),
                            nn.ReLU(True),
                        )
                    )
            else:  # a new, coarser branch from the coarsest existing one
                layers.append(
                    nn.Sequential(
                        nn.Conv2d(previous[-1], c, 3, stride=2, padding=1, bias=False),
                        _bn(c),
                        nn.ReLU(True),
                    )
                )
        return layers

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.relu(self.bn2(self.conv2(x)))
        xs = [self.layer1(x)]
        for transition, stage in zip(self.transitions, self.stages):
            xs = [layer(xs[min(i, len(xs) - 1)]) for i, layer in enumerate(transition)]
            xs = stage(xs)
        size = xs[0].shape[-2:]
        ups = [xs[0]] + [
            F.interpolate(x, size=size, mode="bilinear", align_corners=False) for x in xs[1:]
        ]
        return torch.cat(ups, 1)
