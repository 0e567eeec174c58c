#!/usr/bin/env bash
# The GPU checks as one command, for a lent GPU machine (a session's `run` tool) or any CUDA
# box: benchmarks/gpu_speed.py (the README's GPU table), then the CUDA-only tests, then the
# model, engine and inference tests with the network on the GPU (DEVICE auto). Each step's
# output goes to $OUT (default output/gpu_check); a summary is printed at the end.
#
# The lent machine has Python with torch, torchvision, OpenCV, ONNX Runtime, SciPy and pandas
# but no package index: bring the rest as wheels in .gpu_wheels/ (git ignores it; name it in
# the run's `carry`), fetched here once:
#   python -m pip download --only-binary :all: --python-version 3.12 --no-deps \
#       --platform manylinux_2_28_x86_64 -d .gpu_wheels lap motmetrics yacs trackeval
# then:  bash scripts/gpu_check.sh      (at most 9 minutes: each step has a time limit)
set -uo pipefail
out=${OUT:-output/gpu_check}
py=${PYTHON:-python3}
mkdir -p "$out"
if compgen -G ".gpu_wheels/*.whl" > /dev/null; then
    "$py" -m pip install --quiet --no-index --no-deps .gpu_wheels/*.whl
fi
export PYTHONPATH="$PWD/src:$PWD${PYTHONPATH:+:$PYTHONPATH}"
summary="$out/summary.txt"
{
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
    "$py" -c "import torch, torchvision; print('torch', torch.__version__, 'torchvision', \
torchvision.__version__, 'CUDA', torch.cuda.is_available())"
    "$py" -c "import onnxruntime as ort; print('onnxruntime', ort.__version__, \
ort.get_available_providers())"
} > "$summary" 2>&1

step() {  # step NAME SECONDS COMMAND...: run with a time limit, output to $out/NAME.txt
    local name=$1 limit=$2
    shift 2
    timeout "$limit" "$@" > "$out/$name.txt" 2>&1
    echo "$name: exit $? ($(tail -n 1 "$out/$name.txt"))" >> "$summary"
}
step gpu_speed 240 bash -c "cd benchmarks && '$py' gpu_speed.py"
step cuda_tests 120 "$py" -m pytest -q -p no:cacheprovider -rs -k "cuda or gpu" tests
step gpu_suite 180 "$py" -m pytest -q -p no:cacheprovider -m "not slow" \
    tests/models tests/engine tests/inference
cat "$summary"
cat "$out/gpu_speed.txt"
