"""Engine layer: the training loop, hooks, checkpointing and logging (issue: training)."""
