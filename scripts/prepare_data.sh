#!/usr/bin/env bash
# Prepare every data set of the paper that has been downloaded, then check the data_cfg files.
#
#   DOWNLOADS=/path/to/downloads ROOT=datasets scripts/prepare_data.sh
#
# Expected download layout (official sites; nothing is downloaded here):
#   $DOWNLOADS/MOT15/train/<SEQ>/{seqinfo.ini,img1/,gt/gt.txt}    motchallenge.net (2DMOT2015)
#   $DOWNLOADS/MOT16/train/...                                    motchallenge.net
#   $DOWNLOADS/MOT17/train/...   (the -SDP copy of each sequence is used)
#   $DOWNLOADS/MOT20/train/...
#   $DOWNLOADS/CrowdHuman/{annotation_train.odgt,annotation_val.odgt,Images/*.jpg}
#                                                                 crowdhuman.org
#   $DOWNLOADS/KITTI_tracking/training/{image_02,label_02}/       cvlibs.net (tracking)
#   $DOWNLOADS/VisDrone/VisDrone2019-MOT-{train,val}/{sequences,annotations}/
#                                                                 github.com/VisDrone
# The JDE data zoo (Caltech, CityPersons, CUHK-SYSU, PRW, ETH; see the Towards-Realtime-MOT
# DATASET_ZOO) is unpacked directly into $ROOT as Caltech/, Cityscapes/, CUHKSYSU/, PRW/, ETHZ/.
#
# Results under $ROOT: <NAME>/images (links to the releases), <NAME>/labels_with_ids,
# lists/*.{train,val,emb,all}, MOT17/images/val_half (the half split's validation gt),
# KITTI/ and VisDrone2019-MOT/ (images/<split> in the MOTChallenge layout, eval/<split>).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
DOWNLOADS=${DOWNLOADS:?set DOWNLOADS to the folder holding the downloaded releases}
ROOT=${ROOT:-datasets}
mkdir -p "$ROOT"

for bench in MOT15 MOT16 MOT17 MOT20; do
  if [ -d "$DOWNLOADS/$bench/train" ]; then
    echo "== $bench"
    "$PY" tools/convert_data.py mot --benchmark "$bench" --src "$DOWNLOADS/$bench" --root "$ROOT"
  else
    echo "-- $bench: not found in $DOWNLOADS/$bench/train, skipped"
  fi
done
if [ -d "$ROOT/MOT17/labels_with_ids" ]; then
  echo "== MOT17 half split"
  "$PY" tools/convert_data.py mot17_half --root "$ROOT"
fi
if [ -f "$DOWNLOADS/CrowdHuman/annotation_train.odgt" ]; then
  echo "== CrowdHuman"
  "$PY" tools/convert_data.py crowdhuman --src "$DOWNLOADS/CrowdHuman" --root "$ROOT"
else
  echo "-- CrowdHuman: not found in $DOWNLOADS/CrowdHuman, skipped"
fi
if [ -d "$DOWNLOADS/KITTI_tracking/training/label_02" ]; then
  echo "== KITTI tracking"
  "$PY" tools/convert_data.py kitti --src "$DOWNLOADS/KITTI_tracking" --root "$ROOT"
else
  echo "-- KITTI tracking: not found in $DOWNLOADS/KITTI_tracking/training, skipped"
fi
if [ -d "$DOWNLOADS/VisDrone/VisDrone2019-MOT-train" ]; then
  echo "== VisDrone2019-MOT"
  "$PY" tools/convert_data.py visdrone --src "$DOWNLOADS/VisDrone" --root "$ROOT"
else
  echo "-- VisDrone2019-MOT: not found in $DOWNLOADS/VisDrone, skipped"
fi
echo "== JDE zoo data sets present under $ROOT"
"$PY" tools/convert_data.py jde_zoo --root "$ROOT" || echo "-- no JDE zoo data set found"

for cfg in data_cfg/*.json; do
  [ "$(basename "$cfg")" = synthetic.json ] && continue
  echo "== check $cfg"
  "$PY" tools/check_data.py --data-cfg "$cfg" --root "$ROOT" || echo "-- $cfg: incomplete (see above)"
done
