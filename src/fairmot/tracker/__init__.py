"""Tracker layer: online association over (N, 5) boxes and (N, D) embeddings.

Pure numpy: nothing in this package imports torch, so it runs behind any detector
(issue: online tracking).
"""
