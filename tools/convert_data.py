"""Convert data set releases to the JDE training layout under a data root.

    python tools/convert_data.py mot --benchmark MOT17 --src DOWNLOADS/MOT17 --root datasets
    python tools/convert_data.py mot17_half --root datasets        (after converting MOT17)
    python tools/convert_data.py crowdhuman --src DOWNLOADS/CrowdHuman --root datasets
    python tools/convert_data.py jde_zoo --root datasets           (Caltech, CityPersons, ...)
    python tools/convert_data.py kitti --src DOWNLOADS/KITTI_tracking --root datasets \
        [--classes Pedestrian Car] [--val 0001 0006 ...]
    python tools/convert_data.py visdrone --src DOWNLOADS/VisDrone --root datasets \
        [--classes pedestrian car van truck bus]
    python tools/convert_data.py aicity --src DOWNLOADS/AIC_MTMC/train/S01 --out datasets/mtmc/S01
    python tools/convert_data.py wildtrack --src DOWNLOADS/Wildtrack --out datasets/mtmc/wildtrack

Everything is written under --root (labels, lists, links to the release folders); the
multi-camera releases become one multi-camera scene each in --out (a sequence per camera
with global identities and its ground calibration in metres, ground_truth.txt: what
tools/track.py --scene and tools/eval_mot.py take). The releases are never modified.
scripts/prepare_data.sh runs every converter.
"""

import argparse
import json

from fairmot.cli import argument_parser, run_tool
from fairmot.data.converters import (
    JDE_ZOO,
    KITTI_CLASSES,
    KITTI_VAL,
    MOT_BENCHMARKS,
    VISDRONE_CLASSES,
    convert_aicity_scenario,
    convert_crowdhuman,
    convert_jde_zoo,
    convert_kitti_tracking,
    convert_mot_release,
    convert_visdrone_mot,
    convert_wildtrack,
    make_half_split,
)


def build_parser():
    parser = argument_parser(__doc__, config=False)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=argparse.ArgumentParser)
    mot = sub.add_parser("mot", help="a MOTChallenge release's training split")
    mot.add_argument("--benchmark", required=True, choices=sorted(MOT_BENCHMARKS))
    mot.add_argument("--src", required=True, help="the unpacked release (holding train/)")
    half = sub.add_parser("mot17_half", help="the MOT17 half split (lists and val_half gt)")
    half.add_argument("--benchmark", default="MOT17", choices=sorted(MOT_BENCHMARKS))
    crowd = sub.add_parser("crowdhuman", help="CrowdHuman odgt files and images")
    crowd.add_argument("--src", required=True, help="folder with annotation_*.odgt and Images/")
    crowd.add_argument("--modes", nargs="+", default=["det", "selfsup"], choices=["det", "selfsup"])
    zoo = sub.add_parser("jde_zoo", help="lists for the JDE zoo data sets under the root")
    zoo.add_argument("--names", nargs="+", choices=sorted(JDE_ZOO), default=None)
    kitti = sub.add_parser("kitti", help="KITTI tracking's training release (several classes)")
    kitti.add_argument("--src", required=True, help="the release, holding training/")
    kitti.add_argument("--classes", nargs="+", default=list(KITTI_CLASSES), help="types trained")
    kitti.add_argument(
        "--val",
        nargs="*",
        default=list(KITTI_VAL),
        help="sequences held out for validation (default: the common 11; none: --val)",
    )
    visdrone = sub.add_parser("visdrone", help="VisDrone2019-MOT train and val (several classes)")
    visdrone.add_argument("--src", required=True, help="folder with VisDrone2019-MOT-train/val")
    visdrone.add_argument(
        "--classes", nargs="+", default=list(VISDRONE_CLASSES), help="categories trained"
    )
    for p in (mot, half, crowd, zoo, kitti, visdrone):
        p.add_argument("--root", required=True, help="the data root to write under")
    aicity = sub.add_parser("aicity", help="an AI City MTMC / CityFlow scenario (S01, ...)")
    aicity.add_argument("--src", required=True, help="the scenario folder (c001/vdo.avi, ...)")
    aicity.add_argument("--timestamps", default=None, help="its cam_timestamp file")
    wildtrack = sub.add_parser("wildtrack", help="the WILDTRACK release (seven cameras)")
    wildtrack.add_argument("--src", required=True, help="holding Image_subsets/, calibrations/")
    for p in (aicity, wildtrack):
        p.add_argument("--out", required=True, help="the multi-camera scene folder to write")
    return parser


def main():
    args = build_parser().parse_args()
    if args.command == "mot":
        result = convert_mot_release(args.benchmark, args.src, args.root)
    elif args.command == "mot17_half":
        result = make_half_split(args.root, args.benchmark)
    elif args.command == "crowdhuman":
        result = convert_crowdhuman(args.src, args.root, tuple(args.modes))
    elif args.command == "kitti":
        result = convert_kitti_tracking(args.src, args.root, args.classes, args.val)
    elif args.command == "visdrone":
        result = convert_visdrone_mot(args.src, args.root, args.classes)
    elif args.command == "aicity":
        result = convert_aicity_scenario(args.src, args.out, args.timestamps)
    elif args.command == "wildtrack":
        result = convert_wildtrack(args.src, args.out)
    else:
        result = convert_jde_zoo(args.root, tuple(args.names) if args.names else None)
    # Paths as text; numpy numbers as plain numbers.
    print(
        json.dumps(result, indent=2, default=lambda v: v.item() if hasattr(v, "item") else str(v))
    )


if __name__ == "__main__":
    run_tool(main)
