"""Offline post-processing of written tracks: tracklet linking, interpolation of gaps,
Gaussian-smoothed interpolation (POSTPROCESS.*; fairmot.tracker.postprocess).

    python tools/postprocess.py --input output/synthetic/tracks/fairmot/data \\
        POSTPROCESS.METHODS "['link', 'gsi']"
    python tools/postprocess.py --cfg configs/synthetic.yaml --input DIR --output OUT \\
        --methods interpolate

Reads every <SEQ>.txt of --input (MOTChallenge results) and writes the repaired tracks to
--output (default: <input's tracker folder>_post/data, beside the input in the TrackEval
layout, so tools/eval_mot.py can score both). --methods (comma-separated) replaces
POSTPROCESS.METHODS.
"""

from pathlib import Path

from fairmot.cli import argument_parser, run_tool, setup
from fairmot.errors import UsageError
from fairmot.tracker.postprocess import PostprocessParams, postprocess_results


def main():
    parser = argument_parser(__doc__)
    parser.add_argument("--input", required=True, help="folder of <SEQ>.txt tracker results")
    parser.add_argument("--output", default="", help="folder for the post-processed results")
    parser.add_argument("--methods", default="", help="e.g. link,gsi (POSTPROCESS.METHODS)")
    args = parser.parse_args()
    if args.methods:
        args.opts += ["POSTPROCESS.METHODS", str(args.methods.split(","))]
    cfg = setup(args)
    params = PostprocessParams.from_config(cfg.POSTPROCESS)
    if not params.methods:
        raise UsageError("no post-processing chosen: give --methods or POSTPROCESS.METHODS")
    source = Path(args.input)
    written = postprocess_results(source, params, args.output or None)
    if not written:
        raise UsageError(f"{source} holds no <SEQ>.txt result files")
    print(f"{', '.join(params.methods)}: {len(written)} sequence(s) written to {written[0].parent}")


if __name__ == "__main__":
    run_tool(main)
