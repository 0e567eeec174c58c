"""Export a trained network to ONNX (opset 19, deformable convolutions as native DeformConv).

    python tools/export.py --cfg configs/mot17_half_dla34.yaml --weights model.pth \\
        [--output model.onnx] [--dynamic] [--peaks | --decode] [KEY VALUE ...]

The graph takes the letterboxed input at INPUT.TEST_WIDTH x TEST_HEIGHT (the training size
where those are 0) and returns the raw head maps; `tools/track.py --weights model.onnx
INFERENCE.BACKEND onnxruntime` tracks with it. --dynamic leaves batch and input size free
(ONNX Runtime's CPU and CUDA providers; TensorRT wants a fixed size). --peaks returns the
top DECODE.TOP_K heatmap peaks with the other heads evaluated there only (what tracking
exports by default, INFERENCE.PEAK_HEADS: the same detections for less work). --decode
puts decode in the graph (outputs: detections x1 y1 x2 y2 score class in input pixels, top
DECODE.TOP_K before the threshold, and unit embeddings), for applications without Python.
Written to --output, default OUTPUT_DIR/onnx/<weights name>_<W>x<H>.onnx.
"""

from fairmot.cli import argument_parser, run_tool, setup


def main():
    parser = argument_parser(__doc__, weights=True)
    parser.add_argument("--output", default="", help="the .onnx file to write")
    parser.add_argument("--dynamic", action="store_true", help="free batch and input size")
    outputs = parser.add_mutually_exclusive_group()
    outputs.add_argument(
        "--peaks",
        action="store_true",
        help="outputs at the top DECODE.TOP_K heatmap peaks instead of the head maps",
    )
    outputs.add_argument(
        "--decode",
        action="store_true",
        help="decode in the graph: outputs detections (B, K, 6) and embeddings (B, K, D)",
    )
    args = parser.parse_args()
    cfg = setup(args, weights=args.weights)
    from fairmot.inference.export_onnx import export_checkpoint  # torch: after the config

    path, (width, height) = export_checkpoint(
        cfg, args.weights, args.output, dynamic=args.dynamic, peaks=args.peaks, decode=args.decode
    )
    print(f"wrote {path} ({'dynamic' if args.dynamic else f'{width}x{height}'} input)")


if __name__ == "__main__":
    run_tool(main)
