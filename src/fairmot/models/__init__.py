"""Models layer: backbones (DLA-34, ResNet, HRNet), necks, the four heads, checkpoints.

Built by `fairmot.models.build_model(cfg)` (issue: network).
"""
