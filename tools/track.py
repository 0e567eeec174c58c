"""Track sequences, videos, images, cameras or streams with a trained FairMOT model.

    python tools/track.py --cfg configs/mot17_half_dla34.yaml --weights model.pth \\
        --input datasets/MOT17/images/val_half [--video] [--timings] [KEY VALUE ...]
    python tools/track.py --weights model.pth --input 0 --show      (webcam, live)
    python tools/track.py --weights model.pth --input rtsp://camera.local/stream --video
    python tools/track.py --cfg configs/synthetic.yaml --detections DIR   (any detector)
    python tools/track.py --weights model.pth --input street.mp4 --video \\
        --count-line 0,700,1920,700                   (people crossing a line, both ways)
    python tools/track.py --weights model.pth --camera east=east.mp4 --camera west=rtsp://...
    python tools/track.py --weights model.pth --scene data/multicamera/val/MV-01 --video

--input is a split folder (every sequence), one sequence, a video file, an image folder, an
image, a quoted glob ("frames/*.jpg"), a camera index or a stream URL (default:
EVAL.GT_DIR). Live sources drop frames when tracking is slower (INFERENCE.DROP_FRAMES) and
end when they stall (INFERENCE.STALL_SECONDS); Ctrl-C stops cleanly, keeping what was
tracked. The config stored in a checkpoint trained here is the base (--cfg and KEY VALUE
override it), so --cfg is optional. Results: OUTPUT_DIR/tracks/<name>/data/<SEQ>.txt
(TrackEval layout), with --video an annotated MP4 per sequence, with --timings per-frame
timings, with --save-detections the network's detections and embeddings
(detections/<SEQ>.npz, the --detections layout), with --show a preview window, with
--count-line (or COUNT.LINES) the in/out counts per line and class (counts/<SEQ>.csv, also
drawn on the video), with --postprocess the tracks repaired offline by POSTPROCESS.METHODS
(linking, interpolation, smoothing) as tracker <name>_post (tracks/<name>_post/data/).

Several synchronised cameras: --camera NAME=INPUT for each (a sequence, video or stream;
calibration.txt beside it or in its folder: AI City's ground -> image homography), or
--scene for every camera of a multi-camera scene folder (with --detections: <camera>.npz;
its timestamps.txt, if any, gives each camera's start).
Each camera is tracked alone, then its tracks get one identity per person across the
cameras (MULTICAM.MODE offline, online or none): data/<camera>.txt with global ids,
mtmc.txt over every camera in AI City's layout (camera_id obj_id frame_id x y w h xworld
yworld), with --video each camera's frames with the global ids.
"""

import sys

from fairmot.cli import argument_parser, run_tool, setup
from fairmot.data.formats.mtmc import MultiCameraScene
from fairmot.errors import UsageError
from fairmot.inference import run_tracking, summary_table
from fairmot.inference.multicam import parse_cameras, run_multicamera, scene_cameras
from fairmot.tracker.postprocess import PostprocessParams, postprocess_results


def count_line(text: str) -> list:
    """ "x1,y1,x2,y2" -> [x1, y1, x2, y2] (argparse reports anything else)."""
    values = [float(v) for v in text.split(",")]
    if len(values) != 4:
        raise ValueError(text)
    return values


def main():
    parser = argument_parser(__doc__, weights=True)
    parser.add_argument(
        "--input",
        default="",
        help="split, sequence, video, image folder, image, glob, camera index or stream URL",
    )
    parser.add_argument(
        "--detections",
        default=None,
        help="folder of <SEQ>.npz precomputed detections and embeddings",
    )
    parser.add_argument("--name", default="fairmot", help="tracker name in the results tree")
    parser.add_argument("--video", action="store_true", help="write annotated MP4s")
    parser.add_argument("--timings", action="store_true", help="write per-frame timings")
    parser.add_argument("--show", action="store_true", help="show the tracks in a window")
    parser.add_argument(
        "--save-detections",
        action="store_true",
        help="also write the detections as <SEQ>.npz for --detections (other trackers, ablations)",
    )
    parser.add_argument(
        "--count-line",
        action="append",
        type=count_line,
        metavar="X1,Y1,X2,Y2",
        help="count tracks crossing this line (frame pixels; repeat for more; COUNT.LINES)",
    )
    parser.add_argument(
        "--postprocess",
        action="store_true",
        help="also write the tracks repaired by POSTPROCESS.METHODS to tracks/<name>_post/",
    )
    parser.add_argument(
        "--camera",
        action="append",
        default=[],
        metavar="NAME=INPUT",
        help="one of several synchronised cameras (repeat for each): global identities",
    )
    parser.add_argument(
        "--scene", default="", help="every camera of a multi-camera scene folder (as --camera)"
    )
    parser.add_argument(
        "--frame-rate",
        type=float,
        default=None,
        help="frame rate of videos, folders and detection files without one",
    )
    args = parser.parse_args()
    cfg = setup(args, weights=args.weights)
    if args.camera or args.scene:
        return track_cameras(cfg, args)
    post = PostprocessParams.from_config(cfg.POSTPROCESS) if args.postprocess else None
    if post is not None and not post.methods:
        raise UsageError("--postprocess needs POSTPROCESS.METHODS, e.g. \"['link', 'gsi']\"")
    try:
        run = run_tracking(
            cfg,
            inputs=args.input or None,
            weights=args.weights,
            detections_dir=args.detections,
            name=args.name,
            video=args.video,
            timings=args.timings,
            frame_rate=args.frame_rate,
            save_detections=args.save_detections,
            show=args.show,
            count_lines=args.count_line,
        )
    except KeyboardInterrupt:  # before tracking began (loading the model, opening inputs)
        print("interrupted before tracking began; nothing written", file=sys.stderr)
        return 130
    print(summary_table(run))
    print(f"results in {run.results_dir}")
    if post is not None:
        written = postprocess_results(run.results_dir, post)
        print(f"post-processed ({', '.join(post.methods)}) in {written[0].parent}")
    if run[-1].interrupted:
        print("interrupted: the results and videos hold the frames tracked until then")
        return 130
    return 0


def track_cameras(cfg, args) -> int:
    """Several cameras with global identities (--camera / --scene)."""
    if args.input or args.postprocess or args.count_line or args.show:
        raise UsageError("--camera/--scene take no --input, --postprocess, --count-line or --show")
    specs, offsets = list(args.camera), None
    if args.scene:
        specs += [f"{name}={path}" for name, path in scene_cameras(args.scene).items()]
        offsets = MultiCameraScene(args.scene).time_offsets()
    run = run_multicamera(
        cfg,
        parse_cameras(specs),
        weights=args.weights,
        detections_dir=args.detections,
        name=args.name,
        video=args.video,
        time_offsets=offsets,
    )
    print(summary_table(run))
    print(f"results in {run.results_dir} (global ids, {cfg.MULTICAM.MODE}) and {run.mtmc_path}")
    return 130 if run and run[-1].interrupted else 0


if __name__ == "__main__":
    run_tool(main)
