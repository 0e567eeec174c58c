"""Data layer: file formats, data sets, training targets, augmentation, the synthetic set."""
