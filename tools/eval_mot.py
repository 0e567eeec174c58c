"""Evaluate tracking results with the MOTChallenge metrics (HOTA, CLEAR, identity).

    python tools/eval_mot.py --gt datasets/MOT17/images/val_half \\
        --results output/mot17_half_dla34/tracks/fairmot/data [--seqs A B] \\
        [--benchmark MOT17] [--cfg FILE] [KEY VALUE ...]

Prints TrackEval's HOTA, CLEAR, Identity and Count tables (a row per sequence and COMBINED)
and writes into OUTPUT_DIR/eval: TrackEval's pedestrian_summary.txt and
pedestrian_detailed.csv (every field, as TrackEval writes them for the same files),
metrics.json (every summary field and the HOTA fields per alpha), metrics.csv,
hota_alpha.png and sequences.png.

Several classes: a ground-truth folder in a multi-class layout is evaluated per class,
class-averaged and detection-averaged by its benchmark's rules, with TrackEval's tables and
files for each (<class>_summary.txt, <class>_detailed.csv) and metrics.json:
  BDD100K   <SEQ>.json files (results --results/<SEQ>.json), also per super-category
  KITTI     label_02/ + evaluate_tracking.seqmap.<split> (results --results/<SEQ>.txt,
            KITTI label lines): Car and Pedestrian by TrackEval's Kitti2DBox rules
  VisDrone  a VisDrone2019-MOT split, annotations/ + sequences/ (results --results/<SEQ>.txt,
            VisDrone lines): car, bus, truck, pedestrian, van by the MOT toolkit's rules

Several cameras: a multi-camera scene folder (a MOT sequence per camera and
ground_truth.txt; results --results/<camera>.txt with global identities, as tools/track.py
--camera writes them) is evaluated per camera (the tables above) and over all cameras
together: IDF1, IDP and IDR of the global identities (AI City's multi-camera measure; also
in OUTPUT_DIR/eval/multicamera.json).
"""

from pathlib import Path

from fairmot.cli import argument_parser, run_tool, setup
from fairmot.evaluation import (
    BENCHMARKS,
    evaluate_tracks,
    format_cross_camera,
    tracker_name,
    trackeval_tables,
)


def main():
    parser = argument_parser(__doc__)
    parser.add_argument("--gt", default="", help="ground-truth split folder (EVAL.GT_DIR)")
    parser.add_argument(
        "--results",
        required=True,
        help="folder of result files (<SEQ>.txt), or a tracking run's folder (tracks/<name>)",
    )
    parser.add_argument("--seqs", nargs="+", default=None, help="sequences (EVAL.SEQS)")
    parser.add_argument(
        "--classes",
        nargs="+",
        default=None,
        help="several classes: the categories evaluated (default: all the benchmark's)",
    )
    parser.add_argument(
        "--benchmark",
        choices=BENCHMARKS,
        default=None,
        help="pre-processing rules (EVAL.BENCHMARK)",
    )
    args = parser.parse_args()
    cfg = setup(args)
    result, paths = evaluate_tracks(
        cfg,
        args.gt,
        args.results,
        Path(cfg.OUTPUT_DIR) / "eval",
        seqs=args.seqs,
        classes=args.classes,
        benchmark=args.benchmark,
    )
    print(trackeval_tables(result, tracker_name(args.results)))
    if getattr(result, "cross_camera", None) is not None:
        print(format_cross_camera(result.cross_camera))
    print("wrote " + ", ".join(str(p) for p in paths))


if __name__ == "__main__":
    run_tool(main)
