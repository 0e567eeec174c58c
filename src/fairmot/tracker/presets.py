"""Named association presets (TRACKER.PRESET): sets of `TrackerParams` fields measured
together on the same saved detections (`benchmarks/tracker_compare.py`).

- "fairmot": the paper's tracker, exactly the original's decisions (the default).
- "strong": what StrongSORT's association adds that pays on FairMOT's embeddings: no
  duplicate removal (the original drops the younger of a tracked and a lost track whose
  boxes overlap by IoU > 0.85, which is how a person hidden behind another loses their
  identity) and each track's last 100 smoothed embeddings remembered, the appearance cost
  the least distance to them (StrongSORT's nearest-neighbour metric).
- "oc": "strong" plus OC-SORT's observation-centric recovery (a stage matching the tracks
  still left by the box each was last matched to).
"""

from __future__ import annotations

#: Preset name -> the TrackerParams fields it sets.
TRACKER_PRESETS = {
    "fairmot": {},
    "strong": {"duplicate_thres": 0.0, "feature_budget": 100},
    "oc": {"duplicate_thres": 0.0, "feature_budget": 100, "observation_recovery": True},
}
