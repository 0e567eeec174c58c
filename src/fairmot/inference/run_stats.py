"""What a tracking run did and where it wrote: per source (`TrackingStats`: frames, time per
stage, how it ended) and per `run_tracking` call (`TrackingRun`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

STAGES = ("read", "network", "decode", "motion", "association")


@dataclass
class TrackingStats:
    """What tracking one source did; `seconds` sums each stage over the frames.

    Attributes:
        skipped: frames without an image (`problems` says why: {"missing": n, "damaged":
            m, "undecodable": k}); dropped: frames a live source dropped because tracking
            was slower than it.
        degenerate: detections dropped before the tracker (`degenerate_detections`:
            non-finite, empty boxes, zero embeddings).
        completed: the source was tracked to its end; interrupted: stopped by Ctrl-C (what
            was tracked is written); ended: how a live source ended ("ended", "stalled").
    """

    name: str
    frames: int = 0
    skipped: int = 0
    dropped: int = 0
    degenerate: int = 0
    boxes: int = 0
    seconds: dict = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))
    results: Path | None = None
    completed: bool = False
    interrupted: bool = False
    ended: str | None = None
    problems: dict = field(default_factory=dict)

    @property
    def frames_seen(self) -> int:
        """Frames the source gave: tracked, skipped or dropped (a sequence's length)."""
        return self.frames + self.skipped + self.dropped

    def why_skipped(self) -> str:
        """The skipped frames by reason, e.g. "10 missing, 2 damaged"."""
        reasons = dict(self.problems)
        rest = self.skipped - sum(reasons.values())
        if rest > 0:
            reasons["undecodable"] = reasons.get("undecodable", 0) + rest
        return ", ".join(f"{n} {why}" for why, n in reasons.items() if n)

    def add(self, seconds: dict, boxes: int) -> None:
        self.frames += 1
        self.boxes += boxes
        for stage in STAGES:
            self.seconds[stage] += seconds[stage]

    def fps(self, stages=STAGES) -> float:
        total = sum(self.seconds[s] for s in stages)
        return self.frames / total if total > 0 else float("inf")


class TrackingRun(list):
    """What one `run_tracking` call did and where: the TrackingStats of each sequence, in
    order (the run is that list), written under `out_dir` (OUTPUT_DIR/tracks/<name>, laid
    out by `build_writers`)."""

    def __init__(self, out_dir, layout: str | None = None):
        super().__init__()
        self.out_dir = Path(out_dir)
        self.layout = layout  # the multi-class result layout; None for one class

    @property
    def results_dir(self) -> Path:
        """The MOTChallenge result files, <SEQ>.txt (with several classes too)."""
        return self.out_dir / "data"

    @property
    def evaluated_dir(self) -> Path:
        """The result files the ground truth is evaluated with: the MOTChallenge files for
        one class, the multi-class layout's (EVAL.MULTICLASS_LAYOUT) for several."""
        return self.out_dir / self.layout if self.layout else self.results_dir

    @property
    def detections_dir(self) -> Path:
        """The saved detections, <SEQ>.npz (with `save_detections`)."""
        return self.out_dir / "detections"

    @property
    def videos_dir(self) -> Path:
        """The annotated videos, <SEQ>.mp4 (with `video`)."""
        return self.out_dir / "videos"
