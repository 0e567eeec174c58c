"""Every writer the tracking loop can be handed keeps the `Writer` protocol."""

import numpy as np

from fairmot.inference import TrackingStats, build_writers
from fairmot.inference.writers import Writer
from fairmot.tracker.counting import LineCounter


def test_every_writer_is_a_writer(tmp_path):
    writers = build_writers(
        tmp_path,
        "SEQ",
        10.0,
        video=True,
        timings=True,
        save_detections=True,
        class_names=("pedestrian", "car"),
        counter=LineCounter(np.array([[0.0, 5.0, 10.0, 5.0]]), 2, 0.0),
    )
    kinds = {type(w).__name__ for w in writers}
    assert kinds == {
        "ResultsWriter",
        "MultiClassResultsWriter",
        "LineCountWriter",
        "AnnotatedVideoWriter",
        "TimingsWriter",
        "DetectionsWriter",
    }
    assert all(isinstance(w, Writer) for w in writers)
    assert not isinstance(object(), Writer)
    for writer in writers:  # nothing written: closing still succeeds
        writer.close(TrackingStats("SEQ"))
