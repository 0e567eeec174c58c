"""Allowed values of config keys: every key has a rule, the rules' choices are what the code
implements, every shipped config passes, values out of range fail naming the key."""

from pathlib import Path

import pytest

from fairmot.config import RULES, ConfigError, get_cfg, load_cfg
from fairmot.config.validation import FREE_KEYS, leaf_keys

REPO = Path(__file__).resolve().parents[2]


def test_every_key_has_a_rule_or_is_free_form():
    keys = set(leaf_keys(get_cfg()))
    assert keys - set(RULES) == FREE_KEYS
    assert set(RULES) <= keys  # no rule for a key that no longer exists


def test_every_default_and_every_shipped_config_passes():
    defaults = leaf_keys(get_cfg())
    assert [k for k, rule in RULES.items() if not rule.check(defaults[k])] == []
    for path in sorted((REPO / "configs").glob("*.yaml")):
        load_cfg(path)  # raises on a value out of range


def test_choices_are_the_implemented_ones():
    from fairmot.data.dataset import BAD_SAMPLE_MODES
    from fairmot.engine.losses import WEIGHTINGS
    from fairmot.evaluation.mot_metrics import BENCHMARKS
    from fairmot.evaluation.report import MULTICLASS_LAYOUTS
    from fairmot.inference.detector import BACKENDS
    from fairmot.inference.writers import RESULT_LAYOUTS
    from fairmot.models.build import ARCHITECTURES, REID_HEADS
    from fairmot.models.decode import REID_SAMPLINGS, TWO_STAGE
    from fairmot.tracker.params import ASSOCIATION_MODES
    from fairmot.tracker.presets import TRACKER_PRESETS

    def allowed(key, candidates):
        return {c for c in candidates if RULES[key].check(c)}

    names = {"dla34", "dla35", "resnet18", "resnet101", "hrnet_w18", "hrnet_w32", "roi", "x"}
    assert allowed("MODEL.ARCH", names | set(ARCHITECTURES)) == set(ARCHITECTURES)
    assert allowed("MODEL.REID_HEAD", {"dense", "roi", "x"}) == set(REID_HEADS)
    samplings = {*REID_SAMPLINGS, TWO_STAGE, "centre"}
    assert allowed("DECODE.REID_SAMPLING", samplings) == {*REID_SAMPLINGS, TWO_STAGE}
    assert allowed("INFERENCE.BACKEND", {*BACKENDS, "tensorrt"}) == set(BACKENDS)
    modes = {*ASSOCIATION_MODES, "kf"}
    assert allowed("TRACKER.ASSOCIATION", modes) == set(ASSOCIATION_MODES)
    from fairmot.config import validation
    from fairmot.tracker.postprocess import POSTPROCESS_METHODS

    assert validation.POSTPROCESS_METHODS == POSTPROCESS_METHODS
    assert RULES["POSTPROCESS.METHODS"].check(list(POSTPROCESS_METHODS))
    assert not RULES["POSTPROCESS.METHODS"].check(["smooth"])
    from fairmot.tracker.cmc import CMC_METHODS

    assert allowed("TRACKER.CMC", {*CMC_METHODS, "gmc"}) == set(CMC_METHODS)
    from fairmot.tracker.multicam import MULTICAM_MODES

    assert allowed("MULTICAM.MODE", {*MULTICAM_MODES, "global"}) == set(MULTICAM_MODES)
    presets = {*TRACKER_PRESETS, "strongsort"}
    assert allowed("TRACKER.PRESET", presets) == set(TRACKER_PRESETS)
    assert allowed("EVAL.BENCHMARK", {*BENCHMARKS, "MOT18"}) == set(BENCHMARKS)
    assert allowed("LOSS.WEIGHTING", {*WEIGHTINGS, "equal"}) == set(WEIGHTINGS)
    layouts = {*MULTICLASS_LAYOUTS, "mot", "bdd"}
    assert (
        allowed("EVAL.MULTICLASS_LAYOUT", layouts) == set(RESULT_LAYOUTS) == set(MULTICLASS_LAYOUTS)
    )
    assert allowed("DATA.BAD_SAMPLES", {*BAD_SAMPLE_MODES, "ignore"}) == set(BAD_SAMPLE_MODES)
    from fairmot.engine.precision import AMP_MODES, MEMORY_FORMATS

    assert allowed("SOLVER.AMP", {*AMP_MODES, "fp32"}) == set(AMP_MODES)
    assert allowed("SOLVER.MEMORY_FORMAT", {*MEMORY_FORMATS, "nhwc"}) == set(MEMORY_FORMATS)
    from fairmot.engine.trainer import OPTIMIZERS
    from fairmot.inference.detector import PRECISIONS

    assert allowed("SOLVER.OPTIMIZER", {*OPTIMIZERS, "sgd"}) == set(OPTIMIZERS)
    assert allowed("INFERENCE.PRECISION", {*PRECISIONS, "fp8"}) == set(PRECISIONS)


@pytest.mark.parametrize(
    "key, value, expected",
    [
        ("SOLVER.BATCH_SIZE", "-1", "SOLVER.BATCH_SIZE must be >= 1, got -1"),
        ("SOLVER.BASE_LR", "0", "SOLVER.BASE_LR must be > 0.0, got 0.0"),
        ("MODEL.ARCH", "dla35", "MODEL.ARCH must be one of 'dla34', "),
        ("INPUT.WIDTH", "1000", "INPUT.WIDTH must be a positive multiple of 32, got 1000"),
        ("TRACKER.NEW_TRACK_THRES", "1.5", "TRACKER.NEW_TRACK_THRES must be in [0.0, 1.0]"),
        ("TRACKER.MIN_BOX_AREA", "1e309", "TRACKER.MIN_BOX_AREA must be >= 0.0, got inf"),
        ("AUG.SCALE", "(0.5,)", "AUG.SCALE must be 2 values, each > 0.0, got (0.5,)"),
        ("DATA.CLASSES", "[]", "DATA.CLASSES must be one or more values, each >= 0"),
        ("DEVICE", "gpu", "DEVICE must be 'auto', 'cpu', 'cuda' or 'cuda:N', got 'gpu'"),
    ],
)
def test_a_value_out_of_range_names_the_key_and_the_allowed_values(key, value, expected):
    with pytest.raises(ConfigError) as error:
        load_cfg(None, [key, value])
    assert expected in str(error.value)
    assert "\n" not in str(error.value)


def test_every_problem_is_listed_and_combinations_are_checked():
    with pytest.raises(ConfigError, match="BATCH_SIZE.*EPOCHS"):
        load_cfg(None, ["SOLVER.BATCH_SIZE", "0", "SOLVER.EPOCHS", "0"])
    with pytest.raises(ConfigError, match="hrnet_w18 has no deformable layers"):
        load_cfg(None, ["MODEL.ARCH", "hrnet_w18", "MODEL.DEFORMABLE", "False"])
    with pytest.raises(ConfigError, match=r"DATA.CLASSES \[0, 2\] names 2 class\(es\) but MODEL"):
        load_cfg(None, ["DATA.CLASSES", "[0, 2]"])
    with pytest.raises(ConfigError, match=r"names a class twice"):
        load_cfg(None, ["DATA.CLASSES", "[1, 1]", "MODEL.NUM_CLASSES", "2"])
    cfg = load_cfg(None, ["MODEL.REID_HEAD", "roi", "DECODE.REID_SAMPLING", "two_stage"])
    assert cfg.MODEL.REID_HEAD == "roi"
    two = ["MODEL.NUM_CLASSES", "2", "DATA.CLASSES", "[0, 1]"]
    kitti = [*two, "EVAL.MULTICLASS_LAYOUT", "kitti"]
    with pytest.raises(ConfigError, match=r"CLASS_NAMES \['lorry'\] are not kitti categories"):
        load_cfg(None, [*kitti, "DATA.CLASS_NAMES", "['Car', 'lorry']"])
    assert load_cfg(None, [*kitti, "DATA.CLASS_NAMES", "['pedestrian', 'Car']"])
    with pytest.raises(ConfigError, match=r"\['lorry'\] are not visdrone categories"):
        load_cfg(
            None,
            [*two, "EVAL.MULTICLASS_LAYOUT", "visdrone", "DATA.CLASS_NAMES", "['car', 'lorry']"],
        )


def test_per_class_thresholds_take_one_value_per_class():
    two = ["MODEL.NUM_CLASSES", "2", "DATA.CLASSES", "[0, 1]", "DATA.CLASS_NAMES", "['a', 'b']"]
    cfg = load_cfg(None, [*two, "TRACKER.MATCH_THRES_IOU", "[0.5, 0.3]"])
    assert cfg.TRACKER.MATCH_THRES_IOU == [0.5, 0.3]
    with pytest.raises(ConfigError, match="MATCH_THRES_IOU gives 3 values: one per class needs 2"):
        load_cfg(None, [*two, "TRACKER.MATCH_THRES_IOU", "[0.5, 0.3, 0.1]"])
    with pytest.raises(ConfigError, match="TRACKER.GATING_THRES' expects a value of type float"):
        load_cfg(None, [*two, "TRACKER.GATING_THRES", "[9.0, 9.0]"])  # not a per-class key
