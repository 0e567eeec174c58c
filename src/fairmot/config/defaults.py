"""The one tree of configuration defaults.

Every key carries a comment with its meaning, its units and, where the paper or the public
release fixes it, the paper's value ("paper: ..."). Experiments are small YAML files in
`configs/` that override a handful of keys (optionally inheriting another file through
`_BASE_`); tools take `--cfg FILE` plus trailing `KEY VALUE` overrides. Only builders read
this tree: constructors take plain arguments.
"""

from yacs.config import CfgNode as CN

_C = CN()

# Folder every tool writes into (data, checkpoints, logs, results, videos). Relative paths are
# relative to the working directory.
_C.OUTPUT_DIR = "output/default"
# Global random seed (data generation, initialisation, sampling). Runs with equal seeds and
# deterministic mode produce equal results.
_C.SEED = 0
# Device for the network: "cuda", "cpu", or "auto" (CUDA when available).
_C.DEVICE = "auto"

# ---------------------------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------------------------
_C.MODEL = CN()
# Backbone + neck: "dla34" (paper default), "resnet34", "resnet50", "resnet34_fpn",
# "hrnet_w18" (paper Table 2); "resnet18", "resnet18_fpn": the CPU-scale synthetic default.
_C.MODEL.ARCH = "dla34"
# Channels of the hidden 3x3 convolution in every head (paper: 256).
_C.MODEL.HEAD_CONV = 256
# Modulated deformable 3x3 convolutions in the up-sampling path (paper: True). False puts
# plain 3x3 convolutions in their place: about 1.5x faster training on a CPU (the embedded
# synthetic default); such a model cannot load the released checkpoints. hrnet_w18 has none.
_C.MODEL.DEFORMABLE = True
# Re-ID embedding dimension (released models: 128; paper Table 5 also 64, 256, 512).
_C.MODEL.REID_DIM = 128
# Re-ID branch: "dense" = a head over the stride-4 map whose embedding is read at each object
# (paper default); "roi" = two-stage (paper Table 1, "Two-Stage"): RoIAlign of the trunk's
# stride-4 features inside each box, then two fully connected layers; trained on the ground-
# truth boxes, applied to the detected ones. "roi" goes with DECODE.REID_SAMPLING "two_stage".
_C.MODEL.REID_HEAD = "dense"
# Two-stage head: RoIAlign cells per side and the hidden fully connected width (not fixed by
# the paper; 7 and 256 here).
_C.MODEL.ROI_POOL_SIZE = 7
_C.MODEL.ROI_FC_DIM = 256
# Number of object classes = heatmap channels (paper: 1, pedestrians).
_C.MODEL.NUM_CLASSES = 1
# Box-size head regresses left/top/right/bottom distances from the centre (4 channels, paper
# default) when True, width/height (2 channels) when False.
_C.MODEL.LTRB = True
# Initial value of the heatmap head's output bias, -log((1 - 0.1) / 0.1) (paper: -2.19).
_C.MODEL.HM_BIAS_INIT = -2.19
# Checkpoint to initialise from before training (e.g. a COCO CenterNet `ctdet_coco_dla_2x.pth`
# or a CrowdHuman pre-training); loaded non-strictly. Empty: ImageNet-free random init.
_C.MODEL.INIT_WEIGHTS = ""
# Checkpoint holding the complete trained model for tracking/evaluation; loaded strictly.
_C.MODEL.WEIGHTS = ""

# ---------------------------------------------------------------------------------------------
# Network input
# ---------------------------------------------------------------------------------------------
_C.INPUT = CN()
# Letterboxed network input width and height in pixels; both divisible by 32
# (paper: 1088 x 608).
_C.INPUT.WIDTH = 1088
_C.INPUT.HEIGHT = 608
# Input size for tracking and evaluation when it differs from the training size (0: the
# same as WIDTH / HEIGHT; paper: the same). The network is fully convolutional: training on
# smaller, zoomed-in crops (AUG.SCALE above 1) and tracking whole frames at a larger size is
# the cheap way to see small objects at a low training cost (the synthetic default does it).
_C.INPUT.TEST_WIDTH = 0
_C.INPUT.TEST_HEIGHT = 0
# Letterbox padding value per channel on the 0-255 scale (paper: 127.5).
_C.INPUT.PAD_VALUE = 127.5
# Output stride of every head map relative to the input (paper: 4).
_C.INPUT.DOWN_RATIO = 4

# ---------------------------------------------------------------------------------------------
# Training data
# ---------------------------------------------------------------------------------------------
_C.DATA = CN()
# data_cfg JSON file naming the root folder and the image lists of each data set
# (see data_cfg/). Relative roots inside it are relative to the data_cfg file.
_C.DATA.CFG = "data_cfg/mix.json"
# Data root overriding the data_cfg file's "root" (empty: use the file's).
_C.DATA.ROOT = ""
# Self-supervised mode (paper §3.4, Table 7): every box of a boxes-only data set becomes its
# own identity; differently augmented views of it share that identity.
_C.DATA.SELF_SUPERVISED = False
# Maximum number of objects per image encoded as targets (paper: 500). An image with more
# raises an error naming it unless DATA.TRUNCATE_OBJECTS is True.
_C.DATA.MAX_OBJS = 500
# When True, images with more than MAX_OBJS objects keep the first MAX_OBJS and a warning
# counts them; when False (default) such an image is an error.
_C.DATA.TRUNCATE_OBJECTS = False
# Label classes kept for training, by their id in the label files (paper: [0], pedestrians).
_C.DATA.CLASSES = [0]
# A name per class of DATA.CLASSES, in the same order: the categories of multi-class
# results in the BDD100K layout (pedestrian, rider, car, bus, truck, train, motorcycle,
# bicycle are the ones TrackEval evaluates) and the labels on annotated videos.
_C.DATA.CLASS_NAMES = ["pedestrian"]
# Identity counting: "exact" = number of distinct identities (we), "original" =
# sum(max id + 1) + 1 as the released code counts (one spare class).
_C.DATA.ID_COUNTING = "exact"
# Behaviour on an unreadable image or malformed label file: "error" stops with the file and
# line; "skip" skips the sample, counts it and reports the count at the end of each epoch.
_C.DATA.BAD_SAMPLES = "error"
# DataLoader worker processes per training process.
_C.DATA.NUM_WORKERS = 4

# ---------------------------------------------------------------------------------------------
# Augmentation (paper §4.2)
# ---------------------------------------------------------------------------------------------
_C.AUG = CN()
# Master switch; False gives plain letterboxing (used for target parity and validation).
_C.AUG.ENABLED = True
# Random affine: rotation range in degrees (paper: +-5).
_C.AUG.ROTATION = 5.0
# Random affine: translation as a fraction of the input size (paper: +-0.10).
_C.AUG.TRANSLATE = 0.10
# Random affine: scale range (paper: 0.50 - 1.20).
_C.AUG.SCALE = (0.50, 1.20)
# Random affine: shear range in degrees (paper: +-2).
_C.AUG.SHEAR = 2.0
# HSV jitter of saturation and value, as a fraction (paper: 0.50).
_C.AUG.HSV_SATURATION = 0.50
_C.AUG.HSV_VALUE = 0.50
# Probability of a horizontal flip (paper: 0.5).
_C.AUG.FLIP_PROB = 0.5
# Boxes whose area after the affine (clipped to the image) falls below this fraction of their
# area before it, narrower or shorter than MIN_BOX_SIZE input pixels, or more elongated than
# MAX_BOX_ASPECT are dropped (original: 0.1, 4 px, 10).
_C.AUG.MIN_AREA_RATIO = 0.1
_C.AUG.MIN_BOX_SIZE = 4.0
_C.AUG.MAX_BOX_ASPECT = 10.0

# ---------------------------------------------------------------------------------------------
# Optimisation (paper §4.2)
# ---------------------------------------------------------------------------------------------
_C.SOLVER = CN()
# Optimiser: "adam" (paper).
_C.SOLVER.OPTIMIZER = "adam"
# Base learning rate for a batch of BATCH_SIZE (paper: 1e-4 at batch 12).
_C.SOLVER.BASE_LR = 1e-4
# Images per step summed over all processes (paper: 12).
_C.SOLVER.BATCH_SIZE = 12
# Number of epochs (paper: 30).
_C.SOLVER.EPOCHS = 30
# Epochs after which the learning rate is multiplied by GAMMA (paper: [20]).
_C.SOLVER.LR_STEPS = [20]
# Learning-rate factor at each step (paper: 0.1).
_C.SOLVER.GAMMA = 0.1
# Weight decay (paper: 0).
_C.SOLVER.WEIGHT_DECAY = 0.0
# Mixed precision: "auto" (bf16 autocast on a CPU with bf16 units, AVX-512 BF16 or AMX,
# detected; float32 on other CPUs and on CUDA, the original's), "none" (float32), "fp16"
# (CUDA only, with loss scaling; float32 elsewhere), "bf16" (CUDA or CPU autocast: about 2x
# the float32 step rate on a CPU with bf16 units, slower on one without). The losses and
# the identity classifier stay float32 either way. The log and run.json say what was chosen.
_C.SOLVER.AMP = "auto"
# Memory format of the weights and inputs: "auto" (channels-last with bf16 on a CPU, where
# oneDNN's bf16 convolutions run without reordering: 1.2x on top of bf16; contiguous
# otherwise), "contiguous", "channels_last".
_C.SOLVER.MEMORY_FORMAT = "auto"
# Write a numbered snapshot every this many epochs (0: only model_last); model_last is written
# every epoch.
_C.SOLVER.CHECKPOINT_PERIOD = 5
# Log scalars to TensorBoard every this many steps.
_C.SOLVER.LOG_PERIOD = 20
# Detection mAP (EVAL.DET_IOU_THRES) of the model on the data_cfg's "test" lists every
# EVAL_PERIOD epochs and after the last, logged and written to TensorBoard (0: never).
_C.SOLVER.EVAL_PERIOD = 0
# Deterministic algorithms (bitwise-reproducible runs on CPU; slower).
_C.SOLVER.DETERMINISTIC = False

# ---------------------------------------------------------------------------------------------
# Loss (paper §3.2–3.4, equations 1–5)
# ---------------------------------------------------------------------------------------------
_C.LOSS = CN()
# Heatmap, box-size and offset weights inside the detection loss (paper: 1, 0.1, 1).
_C.LOSS.HM_WEIGHT = 1.0
_C.LOSS.WH_WEIGHT = 0.1
_C.LOSS.REG_WEIGHT = 1.0
# Focal-loss exponents alpha and beta (paper: 2, 4).
_C.LOSS.FOCAL_ALPHA = 2.0
_C.LOSS.FOCAL_BETA = 4.0
# Loss balancing: "uncertainty" = 0.5*(e^-s_det*L_det + e^-s_id*L_id + s_det + s_id) with
# learned s_det, s_id (paper); "fixed" = L_det + ID_WEIGHT * L_id (ablation).
_C.LOSS.WEIGHTING = "uncertainty"
# Initial s_det and s_id of the uncertainty weighting (paper: -1.85, -1.05).
_C.LOSS.S_DET_INIT = -1.85
_C.LOSS.S_ID_INIT = -1.05
# Weight of the re-ID loss under "fixed" weighting.
_C.LOSS.ID_WEIGHT = 1.0

# ---------------------------------------------------------------------------------------------
# Decoding network outputs into detections (paper §3.5.1)
# ---------------------------------------------------------------------------------------------
_C.DECODE = CN()
# Number of heatmap peaks kept before thresholding (paper: 500).
_C.DECODE.TOP_K = 500
# Detection score threshold (paper: 0.4).
_C.DECODE.CONF_THRES = 0.4
# Where the re-ID feature is read (paper Table 1): "center" at the integer peak (paper
# default), "center_bi" bilinear at the sub-pixel centre, "roi_align" averaged over the box,
# "pos_anchor" averaged over the peak's 3x3 neighbourhood (all four from the dense id map);
# "two_stage" from the RoI head of a MODEL.REID_HEAD "roi" network on each detected box.
_C.DECODE.REID_SAMPLING = "center"

# ---------------------------------------------------------------------------------------------
# Online association (paper §3.5.2)
# ---------------------------------------------------------------------------------------------
# ---------------------------------------------------------------------------------------------
# Inference: the network's runtime, and live sources (cameras, network streams)
# ---------------------------------------------------------------------------------------------
_C.INFERENCE = CN()
# Runtime of the network when tracking: "torch"; "onnxruntime" (weights: an exported .onnx
# file, or a checkpoint exported on the fly to OUTPUT_DIR/onnx/ and reused while it is the
# same; provider chosen automatically: TensorRT, CUDA, else the CPU); "auto": ONNX Runtime
# for a one-stage network on the CPU when it is installed (the fastest correct CPU path,
# benchmarks/onnx_speed.py), torch on a GPU. A .onnx file always runs on ONNX Runtime.
_C.INFERENCE.BACKEND = "auto"
# Evaluate the size, offset and re-ID heads only at the DECODE.TOP_K heatmap peaks decode
# reads, not over the whole stride-4 map: the same detections to float rounding for about
# a fifth less network work with DLA-34. Applies with DECODE.REID_SAMPLING "center"
# (the paper's); the other samplings read the dense id map. False: dense maps throughout,
# as the original.
_C.INFERENCE.PEAK_HEADS = True
# Frames in the network at once when tracking sources (tools/track.py), for more frames/s
# (each frame comes later). On ONNX Runtime each frame runs in a thread of its own on its
# share of the CPU cores: one frame's network does not keep every core busy (small layers,
# synchronisation), several together do. On torch they run as one batch: a GPU's batch-1
# network is bound by kernel launches, a batch costs about as many. 0: automatic: 2 with
# ONNX Runtime on the CPU where there are 2 cores or more, else 1 (batches on a GPU are not
# measured yet). 1: one frame at a time (the least delay per frame). The frame-by-frame
# API (OnlineTracker) always runs one frame at a time.
_C.INFERENCE.FRAMES_IN_FLIGHT = 0
# On a GPU (PyTorch), letterbox the frames there: uploaded as 8 bits, shrunk with OpenCV's
# area weights and rounding (the same pixels as on the CPU, tested), instead of resized by
# OpenCV on the CPU. False: on the CPU, as the original.
_C.INFERENCE.DEVICE_LETTERBOX = True
# Precision of a PyTorch network when tracking: "fp32" (as the original); "fp16" or "bf16":
# weights and input in that dtype, the outputs decoded in float32 (for a GPU's tensor cores:
# detections within about a percent of fp32's, not the same to the float32 tolerance the
# backends are held to). ONNX Runtime networks run in fp32 ("auto" picks torch otherwise).
_C.INFERENCE.PRECISION = "fp32"
# On a GPU (PyTorch), replay the network from CUDA graphs (one per batch size, recorded on
# its first frames): one launch instead of a few hundred, for a batch-1 network bound by
# launching kernels. Off until measured on a GPU (benchmarks/gpu_speed.py).
_C.INFERENCE.CUDA_GRAPHS = False
# Threads reading image files (sequences, folders, globs) and letterboxing them ahead of the
# network, several frames at once: one thread decodes a 1920x1080 JPEG in 5-13 ms, slower
# than a GPU network's frame. 0: automatic: one per 4 CPU cores, 1 to 4 (1 on a 2-core
# machine, where the network is far slower than one reader). Videos and live sources are
# read by one thread.
_C.INFERENCE.READ_THREADS = 0
# When tracking is slower than a live source, track only the newest frame and drop the rest
# (counted and reported) instead of falling ever further behind. False: every frame, late.
_C.INFERENCE.DROP_FRAMES = True
# A live source that delivers no frame for this many seconds has stalled: tracking ends,
# keeping what was tracked.
_C.INFERENCE.STALL_SECONDS = 10.0

_C.TRACKER = CN()
# A named set of the association keys below, measured together on the same detections
# (fairmot.tracker.presets): "fairmot" (the paper's tracker, exactly the original's
# decisions), "strong" (no duplicate removal and 100 remembered embeddings per track, what
# StrongSORT's association adds that pays on FairMOT's embeddings; DUPLICATE_THRES 0,
# FEATURE_BUDGET 100) or "oc" ("strong" with OBSERVATION_RECOVERY). A key set to other
# than its default here still wins over the preset.
_C.TRACKER.PRESET = "fairmot"
# Detections with score above this start new tracks (paper: 0.4).
_C.TRACKER.NEW_TRACK_THRES = 0.4
# Seconds a lost track is kept in the active pool (Kalman-predicted, matched each frame)
# before it is removed (paper: 1 s, 30 frames at 30 frames/s).
_C.TRACKER.LOST_SECONDS = 1.0
# The same in frames at 30 frames/s, scaled by frame rate / 30 (the original's key; an alias:
# set one of the two).
_C.TRACKER.TRACK_BUFFER = 30
# Long-term re-identification (not in the paper: False): a removed track's smoothed
# embedding, class and time go to a gallery of at most GALLERY_SIZE tracks kept for
# GALLERY_SECONDS; a detection that would start a track takes back the identity of a
# gallery track of its class whose embedding is closer than GALLERY_THRES (cosine distance),
# so a person hidden or out of view for longer than LOST_SECONDS keeps their identity.
_C.TRACKER.REID_GALLERY = False
_C.TRACKER.GALLERY_SIZE = 100
_C.TRACKER.GALLERY_SECONDS = 60.0
_C.TRACKER.GALLERY_THRES = 0.2
# Association mode (Table 6): "iou", "reid", "reid_kf", "reid_kf_iou" (paper default).
_C.TRACKER.ASSOCIATION = "reid_kf_iou"
# Weight of the appearance distance when fused with the Kalman distance (paper: 0.98).
_C.TRACKER.MOTION_LAMBDA = 0.98
# Embedding EMA momentum of a track's smoothed feature (paper: 0.9).
_C.TRACKER.FEATURE_MOMENTUM = 0.9
# Embeddings remembered per track for the appearance cost (StrongSORT's nn_budget, not in
# the paper: 0). K > 0: each update's smoothed embedding is kept, the last K of them, and a
# detection's appearance cost to a track is its least cosine distance to those, so a track
# is still recognised by how it looked before an occlusion changed its smoothed embedding.
_C.TRACKER.FEATURE_BUDGET = 0
# Deep OC-SORT's dynamic appearance (not in the paper: False): a detection's embedding
# updates its track with momentum rising from FEATURE_MOMENTUM (score 1) to 1 (no update,
# score at NEW_TRACK_THRES), so occluded, low-score views barely change the track's look.
_C.TRACKER.ADAPTIVE_MOMENTUM = False
# DeepSORT's matching cascade (not in the paper: False): the appearance stage assigns the
# tracks age by age (frames since their last match), the freshest first.
_C.TRACKER.MATCHING_CASCADE = False
# StrongSORT's noise-scale-adaptive Kalman update (not in the paper: False): the measurement
# noise of a detection is scaled by (1 - its score), so confident boxes move the track more.
_C.TRACKER.NSA_KALMAN = False
# Gate on the squared Mahalanobis distance: chi-square 95 % quantile, 4 dof (paper: 9.4877).
_C.TRACKER.GATING_THRES = 9.4877
# Cost thresholds of the three matching stages: re-ID, IoU of tracked tracks, IoU of
# unconfirmed tracks (paper: 0.4, 0.5, 0.7).
_C.TRACKER.MATCH_THRES_REID = 0.4
_C.TRACKER.MATCH_THRES_IOU = 0.5
_C.TRACKER.MATCH_THRES_UNCONFIRMED = 0.7
# ByteTrack's second association (not in the paper: False). When True, detections scoring
# below NEW_TRACK_THRES (decode passes them down to DECODE.CONF_THRES, so lower that too,
# e.g. 0.1) are matched only to the tracked tracks that the first two stages left, by IoU
# with cost threshold MATCH_THRES_LOW (ByteTrack: 0.5), and never start tracks: occluded
# people whose score drops stay tracked, without the false tracks of a low threshold.
_C.TRACKER.LOW_SCORE_MATCHING = False
_C.TRACKER.MATCH_THRES_LOW = 0.5
# Camera motion compensation (not in the paper: "none"): the global motion between frames,
# estimated by OpenCV on frames shrunk by CMC_DOWNSCALE with the detections masked out,
# moves every track's Kalman state before association, so that a panning or walking
# camera does not break the motion model (fairmot.tracker.cmc). "sof": sparse optical flow
# with a RANSAC similarity; "ecc": ECC alignment; "orb": ORB keypoint matches with RANSAC.
# Needs the frames (tracking images, videos or live sources; saved detections of a sequence
# whose frames are found). Its cost per frame is the "motion" column of --timings.
_C.TRACKER.CMC = "none"
_C.TRACKER.CMC_DOWNSCALE = 2.0
# OC-SORT's observation-centric recovery (not in the paper: False): after the IoU stages,
# the tracked tracks still unmatched and the lost tracks are matched to the remaining
# detections by IoU of the box each was last matched to (the Kalman prediction of a track
# nothing corrects drifts; its last observation does not), cost threshold
# MATCH_THRES_RECOVERY.
_C.TRACKER.OBSERVATION_RECOVERY = False
_C.TRACKER.MATCH_THRES_RECOVERY = 0.5
# A tracked and a lost track whose boxes are closer than this IoU distance (IoU above
# 1 - DUPLICATE_THRES) are one object twice: the younger is dropped (original: 0.15; 0:
# never). On FairMOT's own detections this is where most identities go: the lost track of
# a person hidden behind another overlaps the other's box and, being younger, is dropped
# (the "strong" preset sets 0).
_C.TRACKER.DUPLICATE_THRES = 0.15
# Written boxes must have area above MIN_BOX_AREA px^2 and width/height at most MAX_ASPECT
# (paper: 100, 1.6; pedestrian-specific: set MAX_ASPECT to 0 to disable for other classes).
_C.TRACKER.MIN_BOX_AREA = 100.0
_C.TRACKER.MAX_ASPECT = 1.6

# ---------------------------------------------------------------------------------------------
# Counting tracks that cross lines (tracker.counting): per line and class, in each direction
# ---------------------------------------------------------------------------------------------
_C.POSTPROCESS = CN()
# Offline repairs of the written tracks once a sequence is tracked (tools/postprocess.py, or
# track.py --postprocess; fairmot.tracker.postprocess), applied in the order listed; none
# by default (the paper's results are online). "link": join a track that ends to one that
# starts up to LINK_MAX_GAP frames later within LINK_DISTANCE box heights of where the
# first one's last velocity carries it; "interpolate": fill gaps of up to MAX_GAP frames
# inside a track linearly (ByteTrack's); "gsi": interpolate, then smooth every track's
# boxes over time with a Gaussian kernel of GSI_SIGMA frames (StrongSORT's GSI idea).
_C.POSTPROCESS.METHODS = []
_C.POSTPROCESS.MAX_GAP = 20
_C.POSTPROCESS.GSI_SIGMA = 2.0
_C.POSTPROCESS.LINK_MAX_GAP = 30
_C.POSTPROCESS.LINK_DISTANCE = 0.5

_C.COUNT = CN()
# Lines, each [x1, y1, x2, y2] in frame pixels (tools/track.py --count-line x1,y1,x2,y2);
# empty: no counting. "in" is towards the right-hand side of the direction on the screen
# (for a line drawn from left to right: moving down the image). Counts per frame go to
# OUTPUT_DIR/tracks/<name>/counts/<SEQ>.csv and onto the annotated video.
_C.COUNT.LINES = []
# A track's side only counts once its reference point (the bottom centre of its box) is
# more than this many pixels from the line: jitter on the line never counts twice.
_C.COUNT.HYSTERESIS = 4.0

_C.MULTICAM = CN()
# Several synchronised cameras (tools/track.py --camera NAME=INPUT ...; the module
# fairmot.tracker.multicam): each camera is tracked alone, then its tracks get global
# identities, one per person across the cameras. "offline": every camera's tracklets
# clustered once tracking ends (the files are rewritten with global ids); "online": a
# global gallery queried when a track is first written (ids final at once; live sources);
# "none": each camera's own ids, made unique across cameras. With one camera every mode
# writes the tracker's own ids.
_C.MULTICAM.MODE = "offline"
# Largest cosine distance of a link between two cameras' tracklets (their mean embeddings;
# offline: the average over two clusters' pairs).
_C.MULTICAM.APPEARANCE_THRES = 0.3
# Tracklets shorter than this (frames) keep an identity of their own.
_C.MULTICAM.MIN_FRAMES = 10
# Seconds between one camera's last sight of a person and another's first within which the
# second may continue the first.
_C.MULTICAM.MAX_GAP = 60.0
# Ground-plane gates where the cameras are calibrated (<camera>/calibration.txt, AI City's
# ground -> image homography): walking speed between views (m/s), the distance two cameras'
# positions of one person seen at once may differ by (m), and a slack added to both (m).
_C.MULTICAM.MAX_SPEED = 3.0
_C.MULTICAM.OVERLAP_DISTANCE = 2.0
_C.MULTICAM.POSITION_SLACK = 3.0
# True: a camera without a calibration is an error; False: its gates are skipped (appearance
# and time alone decide for it).
_C.MULTICAM.REQUIRE_CALIBRATION = False

# ---------------------------------------------------------------------------------------------
# Evaluation (paper §4.1)
# ---------------------------------------------------------------------------------------------
_C.EVAL = CN()
# Benchmark rules for MOTChallenge pre-processing: "MOT15" (none), "MOT16", "MOT17",
# "MOT20", "custom".
_C.EVAL.BENCHMARK = "MOT17"
# Ground-truth split folder in the MOTChallenge layout (<split>/<SEQ>/gt/gt.txt).
_C.EVAL.GT_DIR = ""
# Sequences to evaluate; empty: every sequence in GT_DIR.
_C.EVAL.SEQS = []
# Several classes: the layout tools/track.py writes results in (besides the MOT rows, under
# tracks/<name>/<layout>/) and the main job evaluates: "bdd100k" (TrackEval's BDD100K rules),
# "kitti" (KITTI tracking label files; Car and Pedestrian by TrackEval's Kitti2DBox rules)
# or "visdrone" (VisDrone2019-MOT; the MOT toolkit's rules). DATA.CLASS_NAMES must be the
# layout's category names (any case) for kitti and visdrone.
_C.EVAL.MULTICLASS_LAYOUT = "bdd100k"
# IoU threshold of CLEAR and identity metrics (MOTChallenge: 0.5).
_C.EVAL.IOU_THRES = 0.5
# IoU threshold for detection AP (paper: 0.5).
_C.EVAL.DET_IOU_THRES = 0.5

# ---------------------------------------------------------------------------------------------
# The synthetic MOT data set (the embedded default; tools/make_synthetic.py)
# ---------------------------------------------------------------------------------------------
_C.SYNTH = CN()
# Frame size in pixels.
_C.SYNTH.WIDTH = 640
_C.SYNTH.HEIGHT = 360
# Frame rate written to seqinfo.ini (frames/s); motion speeds are in metres per second.
_C.SYNTH.FRAME_RATE = 30
# Number of sequences and frames per sequence in each split.
_C.SYNTH.TRAIN_SEQS = 4
_C.SYNTH.VAL_SEQS = 2
_C.SYNTH.SEQ_LENGTH = 300
# Frames per training sequence when it differs from SEQ_LENGTH (0: SEQ_LENGTH). Many short
# training sequences show more scenes (backgrounds, occluders, people) for the same number
# of frames, which is what a model trained from scratch needs to generalise to new scenes.
_C.SYNTH.TRAIN_SEQ_LENGTH = 0
# Seed of the first training sequence; sequence k of a split uses a seed derived from this
# seed, the split name and k, so train and val never share a seed.
_C.SYNTH.SEED = 1
# Seed of the val split when it should not follow SEED (-1: SEED). Fixing it while SEED
# varies renders new training scenes and the same val scenes (tools/seed_spread.py).
_C.SYNTH.VAL_SEED = -1
# People in view at a time (approximate; walkers enter and leave).
_C.SYNTH.NUM_PEOPLE = 8
# Scheduled crossings per 100 frames: two people at nearly the same depth walk through each
# other with heavy overlap (IoU-only association swaps them).
_C.SYNTH.CROSSINGS_PER_100 = 2.0
# Fraction of identities rendered as look-alike pairs (same clothing colours, other pattern).
_C.SYNTH.LOOKALIKE_FRACTION = 0.2
# Static occluders (pillars, boxes) standing on the ground plane.
_C.SYNTH.NUM_OCCLUDERS = 2
# Distractor figures: static persons (gt class 7) and a poster figure (class 8).
_C.SYNTH.NUM_STATIC_PERSONS = 1
_C.SYNTH.NUM_POSTERS = 1
# People walking far behind the scene (under ~35 px tall at 360 rows), written as class-1
# rows with consider flag 0 (zero-marked: too small to annotate), as MOT annotators do.
_C.SYNTH.NUM_FAR_WALKERS = 1
# Cars in view at a time (gt class 3, their own identities): wider than tall, 4 - 9 m/s,
# passing in front of and behind people; 0 (default): people only. With cars the data_cfg
# labels them JDE class 1 (configs/synthetic_multiclass.yaml trains both classes).
_C.SYNTH.NUM_VEHICLES = 0
# Probability that a person leaving the view comes back through the same edge 2 - 10 s later
# (same identity and appearance): the leave-and-return events of long-term re-ID (0: none).
_C.SYNTH.RETURN_PROB = 0.0
# Per-frame probability that a walking person stops (for 0.5 - 2 s) or turns around.
_C.SYNTH.STOP_PROB = 0.004
_C.SYNTH.TURN_PROB = 0.003
# Camera: horizontal pan amplitude (pixels), shake amplitude (pixels, per frame), and the
# seconds of one pan cycle (0: the sequence's length, a gentle pan; a moving camera, e.g.
# configs/synthetic_moving_camera.yaml: 200 px over 4 s, up to 310 px/s).
_C.SYNTH.PAN_AMPLITUDE = 40.0
_C.SYNTH.SHAKE_AMPLITUDE = 1.5
_C.SYNTH.PAN_PERIOD = 0.0
# Global lighting change amplitude (fraction of brightness) and pixel noise std (0-255 scale).
_C.SYNTH.LIGHTING_AMPLITUDE = 0.25
_C.SYNTH.NOISE_STD = 4.0
# JPEG quality of the written frames.
_C.SYNTH.JPEG_QUALITY = 92
# Write det/det.txt: gt-derived public detections with jitter, misses and false positives.
_C.SYNTH.WRITE_DET = True
# Worker processes rendering sequences in parallel (0: in this process).
_C.SYNTH.NUM_WORKERS = 0
# Multi-camera val scenes (0: none): one world of people walking along an 80 m street seen
# by MV_CAMERAS fixed cameras (2-4; c01 and c02 overlap, gaps of 3-14 m between the others),
# written under multicamera/val/MV-NN/ (a MOT sequence per camera with global identities,
# its calibration.txt, and ground_truth.txt over every camera). MV_LENGTH frames at
# MV_FRAME_RATE; about MV_PEOPLE people on the street at a time. The other keys (size,
# look-alikes, stops, light, noise, JPEG quality) are shared with the one-camera scenes.
_C.SYNTH.MV_SCENES = 0
_C.SYNTH.MV_CAMERAS = 3
_C.SYNTH.MV_LENGTH = 600
_C.SYNTH.MV_FRAME_RATE = 15
_C.SYNTH.MV_PEOPLE = 12

# ---------------------------------------------------------------------------------------------
# Visualisation
# ---------------------------------------------------------------------------------------------
_C.VIS = CN()
# Frames per second of written preview/annotated videos (0: the sequence's frame rate).
_C.VIS.FPS = 0
# Length of the trail drawn behind each track, in frames (0: none).
_C.VIS.TRAIL_LENGTH = 15
# Maximum number of frames rendered into a preview video (0: all).
_C.VIS.MAX_FRAMES = 0


def get_cfg():
    """Return a fresh, mutable copy of the defaults."""
    return _C.clone()
