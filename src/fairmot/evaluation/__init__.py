"""Evaluation layer: tracking (HOTA, CLEAR, identity), detection AP and re-ID metrics as
functions over arrays (issue: evaluation)."""
