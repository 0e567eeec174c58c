"""What tracking writes, one writer per output, apart from the tracking loop.

Every writer is a `Writer`: `write(detections, tracks)` once per tracked frame (a
`FrameDetections` and the frame's written `FrameTracks`), `close(stats)` at the end, also
after an error (`stats` the run's `TrackingStats`). Under `<out>/` (the TrackEval layout for
results):

- `ResultsWriter`: data/<SEQ>.txt, MOTChallenge rows, flushed per frame;
- `MultiClassResultsWriter`: bdd100k/<SEQ>.json, kitti/<SEQ>.txt or visdrone/<SEQ>.txt;
- `DetectionsWriter`: detections/<SEQ>.npz, the saved-detections format;
- `AnnotatedVideoWriter`: videos/<SEQ>.mp4, frames annotated with identities and trails;
- `TimingsWriter`: timings/<SEQ>.csv, milliseconds per stage and frame;
- `PreviewWindow`: the annotated frames on screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import cv2
import numpy as np

from ..boxes import tlwh_to_tlbr
from ..data.formats import MotResultsWriter, atomic_write_text, write_detections
from ..data.formats.bdd100k import BddTracks, write_bdd_sequence
from ..data.formats.kitti import format_kitti_results, kitti_type
from ..data.formats.visdrone import VisDroneBoxes, visdrone_category, write_visdrone_boxes
from ..errors import UsageError
from ..tracker import FrameTracks
from ..tracker.counting import LineCounter
from ..visualization import TrailBuffer, VideoWriter, draw_count_lines, draw_text, draw_tracks

if TYPE_CHECKING:
    from .run_stats import TrackingStats
    from .streams import FrameDetections


@runtime_checkable
class Writer(Protocol):
    """One output of the tracking loop (`runner.track_stream`)."""

    def write(self, detections: FrameDetections, tracks: FrameTracks) -> None:
        """Take one tracked frame: its detections and the tracks written for it."""

    def close(self, stats: TrackingStats) -> None:
        """Finish: flush or write the file, release the window; called once, also after
        an error (`stats.completed` / `stats.interrupted` say how the run ended)."""


class ResultsWriter:
    """MOTChallenge result rows of the written tracks; with `classes` (a multi-class model)
    field 8 holds each track's class, 1 for the first (else -1, as the original)."""

    def __init__(self, path: Path, classes: bool = False):
        self.path, self.classes = Path(path), classes
        self.file = MotResultsWriter(self.path)

    def write(self, detections, tracks) -> None:
        classes = tracks.classes + 1 if self.classes else None
        self.file.write(detections.frame, tracks.ids, tracks.tlwh, tracks.scores, classes)

    def close(self, stats) -> None:
        self.file.close()


class DetectionsWriter:
    """The detector's boxes and embeddings of every frame, written (atomically) at the end
    for `--detections` replays (after Ctrl-C: the frames tracked so far); nothing is written
    when the run fails."""

    def __init__(self, path: Path, frame_rate: float):
        self.path, self.frame_rate = Path(path), frame_rate
        self.frames: dict = {}

    def write(self, detections, tracks) -> None:
        self.frames[detections.frame] = (
            detections.boxes,
            detections.embeddings,
            detections.classes,
        )

    def close(self, stats) -> None:
        if stats.completed or stats.interrupted:
            write_detections(self.path, self.frames, stats.frames_seen, self.frame_rate)


class MultiClassResultsWriter:
    """The written tracks of a multi-class model in a multi-class layout (RESULT_LAYOUTS:
    BDD100K's `<SEQ>.json`, KITTI's or VisDrone's `<SEQ>.txt`), classes named by
    `class_names`; written atomically at the end (after Ctrl-C: the frames tracked)."""

    def __init__(self, out_dir: Path, name: str, class_names, layout: str = "bdd100k"):
        suffix, categories, self.write_rows = RESULT_LAYOUTS[layout]
        self.path = Path(out_dir) / layout / f"{name}{suffix}"
        self.name = name
        self.categories = np.asarray([categories(n) for n in class_names])  # per class
        self.frames, self.tracks = [], []

    def write(self, detections, tracks) -> None:
        self.frames.append(np.full(len(tracks), detections.frame, np.int64))
        self.tracks.append(tracks)

    def close(self, stats) -> None:
        if not (stats.completed or stats.interrupted):
            return
        tracks = self.tracks or [FrameTracks(np.zeros(0, np.int64), np.zeros((0, 4)), np.zeros(0))]
        rows = {
            "frames": np.concatenate(self.frames) if self.frames else np.zeros(0, np.int64),
            "ids": np.concatenate([t.ids for t in tracks]),
            "tlwh": np.concatenate([t.tlwh for t in tracks]),
            "categories": self.categories[np.concatenate([t.classes for t in tracks])],
            "scores": np.concatenate([t.scores for t in tracks]),
        }
        self.write_rows(self.path, self.name, rows, stats.frames_seen)


def _write_bdd(path: Path, name: str, rows: dict, num_frames: int) -> None:
    bdd = BddTracks(
        frames=rows["frames"],
        ids=rows["ids"],
        tlbr=tlwh_to_tlbr(rows["tlwh"]),
        categories=rows["categories"],
        scores=rows["scores"],
        crowd=np.zeros(len(rows["frames"]), bool),
        num_frames=num_frames,
    )
    write_bdd_sequence(path, name, bdd)


def _write_kitti(path: Path, name: str, rows: dict, num_frames: int) -> None:
    tlbr = tlwh_to_tlbr(rows["tlwh"])
    text = format_kitti_results(
        rows["frames"] - 1, rows["ids"], rows["categories"], tlbr, rows["scores"]
    )
    atomic_write_text(path, text)


def _write_visdrone(path: Path, name: str, rows: dict, num_frames: int) -> None:
    categories = rows["categories"].astype(np.int64)
    boxes = VisDroneBoxes(rows["frames"], rows["ids"], rows["tlwh"], rows["scores"], categories)
    write_visdrone_boxes(path, boxes)


#: Multi-class result layouts: (file suffix, a class name's category in the layout, writer);
#: frames of the rows count from 1. The class names are checked when the config is built.
RESULT_LAYOUTS = {
    "bdd100k": (".json", str, _write_bdd),
    "kitti": (".txt", lambda name: kitti_type(name, "DATA.CLASS_NAMES"), _write_kitti),
    "visdrone": (".txt", visdrone_category, _write_visdrone),
}


def annotate(image, tracks, trails: TrailBuffer, class_names=()) -> np.ndarray:
    """A copy of `image` with the tracks drawn (identity colours, trails); with several
    `class_names` each box is captioned "<id> <class name>"."""
    trails.update(tracks.tlwh, tracks.ids)
    captions = None
    if len(class_names) > 1:
        names = np.asarray(class_names)[tracks.classes]
        captions = [f"{i} {n}" for i, n in zip(tracks.ids.tolist(), names.tolist())]
    return draw_tracks(image.copy(), tracks.tlwh, tracks.ids, trails, captions)


class LineCountWriter:
    """Counts of the written tracks crossing the counter's lines (`tracker.counting`): a CSV
    with the cumulative in/out counts of every line and class at every frame, flushed per
    frame (an interrupted run keeps its counts)."""

    HEADER = "frame,line,class,in,out\n"

    def __init__(self, path: Path, counter: LineCounter, class_names=("pedestrian",)):
        self.path, self.counter, self.class_names = Path(path), counter, list(class_names)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.file = open(self.path, "w")  # noqa: SIM115 - closed in close()
        self.file.write(self.HEADER)

    def write(self, detections, tracks) -> None:
        counts = self.counter.update(tracks.ids, tracks.tlwh, tracks.classes)
        self.file.write(
            "".join(
                f"{detections.frame},{line + 1},{name},{c_in},{c_out}\n"
                for line, per_class in enumerate(counts.tolist())
                for name, (c_in, c_out) in zip(self.class_names, per_class)
            )
        )
        self.file.flush()

    def close(self, stats) -> None:
        self.file.close()


class AnnotatedVideoWriter:
    """Frames annotated with the written tracks (boxes, identities, trails; class names
    with several classes; counting lines and their counts when a `counter` is given), as an
    MP4 at the stream's frame rate; frames without an image (saved detections) are not
    drawn."""

    def __init__(
        self,
        path: Path,
        name: str,
        frame_rate: float,
        trail_length: int = 15,
        class_names=(),
        counter: LineCounter | None = None,
    ):
        self.path, self.name, self.frame_rate = Path(path), name, frame_rate
        self.trails, self.class_names = TrailBuffer(trail_length), tuple(class_names)
        self.counter, self.video = counter, None

    def write(self, detections, tracks) -> None:
        if detections.image is None:
            return
        image = annotate(detections.image, tracks, self.trails, self.class_names)
        if self.video is None:
            size = (image.shape[1], image.shape[0])
            self.video = VideoWriter(self.path, self.frame_rate, size)
        draw_text(image, f"{self.name} {detections.frame}  {len(tracks)} tracks")
        if self.counter is not None:
            lines, counts = self.counter.lines, self.counter.counts
            draw_count_lines(image, lines, counts, self.class_names)
        self.video.write(image)

    def close(self, stats) -> None:
        if self.video is not None:
            self.video.close()


class PreviewWindow:
    """Frames annotated as for the video, shown in a window as they are tracked (`--show`).
    Closing it with Esc or q ends the run as Ctrl-C does.

    Raises:
        ValueError: OpenCV cannot open a window here (no display, or the headless build).
    """

    def __init__(self, name: str, trail_length: int = 15, class_names=()):
        self.title, self.trails = f"FairMOT {name}", TrailBuffer(trail_length)
        self.class_names = tuple(class_names)
        try:
            cv2.namedWindow(self.title, cv2.WINDOW_NORMAL)
        except cv2.error:
            raise UsageError(
                "--show needs a display and OpenCV with GUI support "
                "(pip install opencv-python instead of opencv-python-headless)"
            ) from None

    def write(self, detections, tracks) -> None:
        if detections.image is None:
            return
        image = annotate(detections.image, tracks, self.trails, self.class_names)
        cv2.imshow(self.title, image)
        if cv2.waitKey(1) & 0xFF in (27, ord("q")):
            raise KeyboardInterrupt

    def close(self, stats) -> None:
        cv2.destroyWindow(self.title)


class TimingsWriter:
    """Per-frame milliseconds of each stage and the number of detections, as CSV."""

    HEADER = "frame,read_ms,network_ms,decode_ms,motion_ms,association_ms,detections\n"

    def __init__(self, path: Path):
        self.path = Path(path)
        self.rows: list = []

    def write(self, detections, tracks) -> None:
        s = detections.seconds
        self.rows.append(
            f"{detections.frame},{s['read'] * 1e3:.3f},{s['network'] * 1e3:.3f},"
            f"{s['decode'] * 1e3:.3f},{s['motion'] * 1e3:.3f},"
            f"{s['association'] * 1e3:.3f},{len(detections.boxes)}\n"
        )

    def close(self, stats) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(self.HEADER + "".join(self.rows))
