"""Tests of the benchmark's data specifications, fair input and paired-fraction sweep."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skdm2c.benchmark import _runner, main
from skdm2c.benchmark._anchors import ANCHORS, anchors_for, anchors_markdown
from skdm2c.benchmark._methods import (
    METHODS,
    fair_preprocessor,
    make_estimator,
    method_available,
)
from skdm2c.benchmark._specs import DataSpec, parse_spec, sweep_specs
from skdm2c.benchmark._sweep import plot_sweep, sweep_markdown, sweep_summary

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(autouse=True)
def _stable_code_fingerprint(monkeypatch):
    # the cache key hashes the package source; other edits must not break these tests
    monkeypatch.setattr(_runner, "_code_fingerprint", lambda method=None: "test")


def _needs_protocols():
    import skdm2c.datasets as datasets

    if not hasattr(datasets, "make_incomplete") or not hasattr(datasets,
                                                               "make_partially_aligned"):
        pytest.skip("skdm2c.datasets.make_incomplete / make_partially_aligned not available")


# ------------------------------------------------------------------ specifications
@pytest.mark.parametrize("text, expected", [
    ("cub10", DataSpec("cub10")),
    ("CUB10", DataSpec("cub10")),
    ("cub10:unpaired", DataSpec("cub10")),
    ("cub10:incomplete=0.3", DataSpec("cub10", None, "incomplete", 0.3)),
    ("cub10:aligned=0.5", DataSpec("cub10", None, "aligned", 0.5)),
    ("cub10:incomplete=0", DataSpec("cub10", None, "incomplete", 0.0)),
    ("scene15[view1,view2]:incomplete=.5",
     DataSpec("scene15", ("view1", "view2"), "incomplete", 0.5)),
    ("synthetic:aligned=1", DataSpec("synthetic", None, "aligned", 1.0)),
])
def test_parse_spec(text, expected):
    spec = parse_spec(text)
    assert spec == expected
    assert parse_spec(spec.text) == spec  # the canonical text parses back


def test_spec_text_base_and_slug():
    spec = parse_spec("scene15[view1,view2]:incomplete=0.50")
    assert spec.text == "scene15[view1,view2]:incomplete=0.5"
    assert spec.base == "scene15[view1,view2]"
    assert spec.all_rows and not parse_spec("scene15").all_rows
    assert spec.slug == "scene15_view1_view2_incomplete_0.5"
    assert "/" not in spec.slug and ":" not in spec.slug


@pytest.mark.parametrize("text, match", [
    ("nope", "Unknown data set 'nope'"),
    ("cub10:missing=0.5", "Unknown protocol 'missing'"),
    ("cub10:incomplete", "needs a fraction"),
    ("cub10:incomplete=half", "fraction 'half' is not a number"),
    ("cub10:aligned=1.5", "fraction 1.5 is outside"),
    ("cub10:incomplete=-0.1", "outside"),
    ("scene15[view1]", "at least two view names"),
    ("scene15[view1,]", "at least two view names"),
    ("scene15[view1,view1]", "repeated view"),
    ("synthetic[modality0,modality1]", "synthetic set has no view selection"),
    ("cub10 incomplete", "Bad data-set specification"),
])
def test_parse_spec_errors_name_the_specification(text, match):
    with pytest.raises(ValueError, match=match) as info:
        parse_spec(text)
    assert repr(text) in str(info.value) or text.split(":")[0].split("[")[0] in str(info.value)


def test_cli_rejects_a_bad_specification():
    with pytest.raises(SystemExit, match="Unknown protocol 'paired'"):
        main(["--datasets", "synthetic:paired=0.5", "--methods", "kmeans"])
    with pytest.raises(SystemExit, match="--sweep takes data without a protocol"):
        main(["--datasets", "synthetic:incomplete=0.5", "--sweep", "--methods", "kmeans"])


def test_sweep_specs():
    got = [s.text for s in sweep_specs(["cub10", "scene15[view1,view2]"])]
    assert got == ["cub10:incomplete=0", "cub10:incomplete=0.1", "cub10:incomplete=0.3",
                   "cub10:incomplete=0.5", "cub10:aligned=0.5",
                   "scene15[view1,view2]:incomplete=0", "scene15[view1,view2]:incomplete=0.1",
                   "scene15[view1,view2]:incomplete=0.3", "scene15[view1,view2]:incomplete=0.5",
                   "scene15[view1,view2]:aligned=0.5"]


# ------------------------------------------------------------------ data and cache keys
def test_protocol_data_all_rows_and_same_instances():
    _needs_protocols()
    bunch, train, test = _runner.load_benchmark_data("synthetic:incomplete=0.5", 0)
    assert len(test) == 0 and np.array_equal(train, np.arange(len(bunch.target)))
    assert _runner.n_paired_rows(bunch, train) == 150  # half of the 300 instances
    assert _runner.observed_counts(bunch, train) == [225, 225]
    aligned, train_a, test_a = _runner.load_benchmark_data("synthetic:aligned=0.5", 0)
    assert len(test_a) == 0 and len(aligned.target) == 150 + 2 * 150
    # the unpaired protocol keeps its held-out split
    plain, train_u, test_u = _runner.load_benchmark_data("synthetic", 0)
    assert len(train_u) == 225 and len(test_u) == 75


@pytest.mark.skipif(not (DATA / "scene15").is_dir(), reason="real data folder not found")
def test_paired_views_of_a_real_set_keep_the_chosen_views():
    views, y, names = _runner.paired_views("scene15[view1,view2]:incomplete=0.5", 0, DATA)
    assert names == ("view1", "view2")
    assert [v.shape[1] for v in views] == [59, 40] and len(y) == views[0].shape[0]


def test_cache_keys_differ_by_protocol():
    _needs_protocols()
    keys = {d: _runner._run_key(d, "kmeans", 0, True, None, "fp")
            for d in ("synthetic", "synthetic:incomplete=0", "synthetic:incomplete=0.1",
                      "synthetic:incomplete=0.5", "synthetic:aligned=0.5")}
    assert len(set(keys.values())) == len(keys)
    assert keys["synthetic:incomplete=0.5"].startswith("synthetic_incomplete_0.5/kmeans/seed0-")
    # same specification, same key
    assert keys["synthetic:aligned=0.5"] == _runner._run_key(
        "synthetic:aligned=0.50", "kmeans", 0, True, None, "fp")


# ------------------------------------------------------------------ fair input
def test_every_method_starts_with_the_common_preprocessing():
    common = fair_preprocessor((20, 10))
    for name in METHODS:
        if method_available(name) is not None:
            continue  # e.g. the linear reference before it exists
        est = make_estimator(name, 3, 0, 8, modality_dims=(20, 10))
        if name.startswith("dm2c"):
            assert not hasattr(est, "steps")  # DM2C applies it inside fit
            continue
        first_name, first = est.steps[0]
        assert first_name == "prep", name
        assert type(first) is type(common), name
        assert first.get_params() == common.get_params(), name
        assert first is not common  # a fresh, unfitted step per estimator


def test_dm2c_preprocesses_like_the_pipelines():
    # the prep step the pipelines get is the one DM2C applies by default
    from skdm2c import DM2CClustering

    prep = fair_preprocessor()
    params = DM2CClustering().get_params()
    if type(prep).__name__ == "StandardScaler":
        assert params["preprocessing"] == "auto"
    else:
        assert params.get("preprocessing", params.get("preprocess", "auto")) == prep.method


def test_stacked_pipeline_standardises_each_modality_before_the_stacker():
    # modality 1 on a 1000x larger scale: after the common preprocessing both
    # blocks reach the stacker on comparable scales
    from skdm2c.datasets import make_mixed_modal_blobs

    X, y = make_mixed_modal_blobs(120, random_state=0, modality_scales=[1.0, 1000.0])
    est = make_estimator("kmeans", 3, 0, 4, modality_dims=(20, 10))
    Z = est.named_steps["prep"].fit_transform(X)
    sd = [np.nanstd(Z[:, :20]), np.nanstd(Z[:, 20:])]
    assert max(sd) / min(sd) < 5, sd


def test_results_state_the_input_of_every_method():
    from skdm2c.benchmark.__main__ import inputs_markdown

    md = inputs_markdown(["dm2c", "kmeans", "idec"])
    assert md.startswith("Every method: ")
    assert "- DM2C: " in md and "- k-means: ModalityStacker" in md and "- IDEC: " in md


# ------------------------------------------------------------------ sweep report
def _fake_sweep_runs():
    rows = []
    for base in ("cub10", "synthetic"):
        for spec, frac in (("incomplete=0", 0.0), ("incomplete=0.5", 0.5),
                           ("aligned=0.5", 0.5)):
            for method, acc in (("dm2c", 0.4 + frac), ("kmeans", 0.3 + frac / 2)):
                for seed in (0, 1):
                    rows.append(dict(dataset=f"{base}:{spec}", method=method, seed=seed,
                                     n_train=600, n_test=0, n_paired_rows=300 * frac,
                                     train_acc=acc + 0.01 * seed, train_nmi=acc - 0.1,
                                     train_ari=acc - 0.2, error=None))
    rows.append(dict(dataset="cub10", method="dm2c", seed=0, n_train=450, n_test=150,
                     n_paired_rows=0, train_acc=0.4, train_nmi=0.3, train_ari=0.2, error=None))
    return pd.DataFrame(rows)


def test_sweep_summary_and_table():
    runs = _fake_sweep_runs()
    s = sweep_summary(runs)
    assert len(s) == 12  # the unpaired (held-out split) run is not part of the sweep
    row = s[(s["base"] == "cub10") & (s["protocol"] == "incomplete")
            & (s["paired_fraction"] == 0.5) & (s["method"] == "dm2c")].iloc[0]
    assert row["acc_mean"] == pytest.approx(0.905)
    assert row["acc_std"] == pytest.approx(np.std([0.9, 0.91], ddof=1))
    md = sweep_markdown(runs)
    lines = md.splitlines()
    assert lines[0] == "| data | protocol | rows (paired) | method | ACC | NMI | ARI | seeds |"
    assert len(lines) == 2 + 12
    assert "| cub10 | incomplete, paired fraction 0.5 | 600 (150) | DM2C | **0.905 ± 0.007**" \
        in md
    assert "| cub10 | unpaired (incomplete, paired fraction 0) |" in md
    assert "| cub10 | aligned, known fraction 0.5 |" in md
    assert sweep_markdown(runs[runs["dataset"] == "cub10"]) == ""


def test_sweep_plot_written(tmp_path):
    refs = {"cub10": [dict(aligned_acc=0.63, random_acc=0.42)]}
    path = plot_sweep(_fake_sweep_runs(), tmp_path / "sweep.png", references=refs)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="no run with a protocol"):
        plot_sweep(_fake_sweep_runs().iloc[-1:], tmp_path / "none.png")
    # ARI: the reference dicts hold no ARI, so the plot has no reference lines (it raised
    # a KeyError before)
    path = plot_sweep(_fake_sweep_runs(), tmp_path / "ari.png", references=refs, metric="ari")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_anchors_table():
    assert {a["method"] for a in anchors_for("cub10")} == {
        "CPMN", "SMILE", "DM2C", "DSIMVC", "VITAL", "SURE", "PVC"}
    assert [a["method"] for a in anchors_for("scene15[view1,view2]")] == ["DCP"]
    assert anchors_for("scene15") == []  # other views: not comparable
    for base, protocol, fraction, *_, source in ANCHORS:
        parse_spec(f"{base}:{protocol}={fraction}")  # every anchor names a runnable spec
        assert source
    md = anchors_markdown(["cub10"])
    assert "| cub10 | aligned | 0.5 | VITAL (ACM MM 2024) | 0.787 | 0.757 | 0.654 |" in md
    assert "| cub10 | incomplete | 0 | SMILE (TPAMI 2024) | 0.402 | – | – |" in md
    assert "DCP (TPAMI 2022)" not in md and "not runs of this package" in md
    assert anchors_markdown(["wikipedia"]) == ""


# ------------------------------------------------------------------ command line
def test_cli_quick_sweep_writes_table_plot_and_anchors(tmp_path, capsys):
    _needs_protocols()
    args = ["--quick", "--datasets", "synthetic", "--sweep", "--methods", "kmeans",
            "--seeds", "2", "--n-jobs", "1", "--threads", "1", "--map", "none",
            "--cache-dir", str(tmp_path / "cache"), "--out", str(tmp_path / "out")]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "0 run(s) cached, 10 to run" in captured.err
    assert "### Paired-fraction sweep" in captured.out
    runs = pd.read_csv(tmp_path / "out" / "results.csv")
    assert sorted(runs["dataset"].unique()) == sorted(
        s.text for s in sweep_specs(["synthetic"]))
    assert (runs["n_test"] == 0).all() and runs["test_acc"].isna().all()
    assert runs["train_acc"].between(0, 1).all() and runs["error"].isna().all()
    paired = runs.set_index(["dataset", "seed"])["n_paired_rows"]
    assert paired[("synthetic:incomplete=0", 0)] == 0
    assert paired[("synthetic:incomplete=0.5", 0)] == 150
    md = (tmp_path / "out" / "results.md").read_text()
    assert "### Input of each method" in md and "### Paired-fraction sweep" in md
    assert "| synthetic | aligned, known fraction 0.5 |" in md
    assert "Held-out rows" not in md  # no held-out rows under the protocols
    assert (tmp_path / "out" / "sweep.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not (tmp_path / "out" / "scores.png").exists()
    refs = pd.read_csv(tmp_path / "out" / "references.csv")
    assert list(refs["dataset"]) == ["synthetic:incomplete=0"] * 2
    # resume: every run read back from the cache
    assert main(args) == 0
    assert "10 run(s) cached, 0 to run" in capsys.readouterr().err


def test_cli_refuses_unavailable_methods(monkeypatch):
    from skdm2c.benchmark import __main__ as cli

    monkeypatch.setattr(cli, "method_available",
                        lambda m: "ImportError: gone" if m == "linear" else None)
    with pytest.raises(SystemExit, match=r"linear \(ImportError: gone\)"):
        main(["--datasets", "synthetic", "--methods", "kmeans", "linear"])


def test_default_command_is_the_synthetic_spectrum():
    from skdm2c.benchmark.__main__ import (
        _methods_from_args,
        _specs_from_args,
        build_parser,
    )

    args = build_parser().parse_args([])
    assert _specs_from_args(args) == ["synthetic:incomplete=0", "synthetic:incomplete=0.1",
                                      "synthetic:incomplete=0.5"]
    if all(method_available(m) is None for m in ("dm2c", "linear", "kmeans")):
        assert _methods_from_args(args) == ["dm2c", "linear", "kmeans"]
    sweep = build_parser().parse_args(["--sweep"])
    assert _specs_from_args(sweep) == [s.text for s in sweep_specs(["synthetic"])]


def test_stack_width_is_bounded_by_the_preprocessed_widths():
    """Term-count blocks leave the preprocessor with a few SVD columns: the stacked
    baselines' common PCA width must fit them (it failed with the raw widths)."""
    pytest.importorskip("skdm2c.preprocessing")
    from sklearn.utils import Bunch

    from skdm2c import pack_modalities
    from skdm2c.benchmark._runner import _width, prepared_dims

    rng = np.random.RandomState(0)
    counts = [rng.poisson(0.05, size=(80, 300)).astype(float) for _ in range(2)]
    for c in counts:
        c[:, 0] += 1  # no empty document
    packed = pack_modalities(*counts)
    bunch = Bunch(data=packed.X, modality_dims=packed.modality_dims, observed=None,
                  modality=packed.modality)
    train = np.arange(160)
    dims = prepared_dims(bunch, train, ("counts-test", 0, None))
    assert max(dims) < 300
    assert _width(bunch, train, ("counts-test", 0, None)) <= min(dims)


def test_cli_from_results_rebuilds_the_report_of_several_files(tmp_path, capsys):
    _needs_protocols()
    common = ["--quick", "--seeds", "2", "--n-jobs", "1", "--threads", "1", "--map", "none",
              "--cache-dir", str(tmp_path / "cache")]
    assert main(["--datasets", "synthetic:incomplete=0", "synthetic:incomplete=0.5",
                 "--methods", "kmeans", "--out", str(tmp_path / "a")] + common) == 0
    assert main(["--datasets", "synthetic:incomplete=0.5", "--methods", "kmeans", "linear",
                 "--out", str(tmp_path / "b")] + common) == 0
    capsys.readouterr()
    a, b = tmp_path / "a" / "results.csv", tmp_path / "b" / "results.csv"
    out = tmp_path / "both"
    # the kmeans runs at 0.5 are in both files, with the same cache key: kept once
    assert main(["--from-results", str(a), str(b), "--map", "none", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "run(s) cached" not in captured.err  # nothing is fitted or read from the cache
    runs = pd.read_csv(out / "results.csv")
    assert len(runs) == 6
    expected = pd.concat([pd.read_csv(a), pd.read_csv(b)]).drop_duplicates(
        ["dataset", "method", "seed"])
    merged = runs.merge(expected, on=["dataset", "method", "seed"], suffixes=("", "_in"))
    assert np.array_equal(merged["train_acc"], merged["train_acc_in"])
    md = (out / "results.md").read_text()
    assert "--from-results" in md and "**--quick" in md  # the runs were quick runs
    assert "Linear CCA reference" in md and (out / "sweep.png").exists()
    # selection by method and seeds
    assert main(["--from-results", str(a), str(b), "--methods", "linear", "--seeds", "1",
                 "--map", "none", "--out", str(tmp_path / "lin")]) == 0
    runs = pd.read_csv(tmp_path / "lin" / "results.csv")
    assert set(runs["method"]) == {"linear"} and set(runs["seed"]) == {0}


def _results_csv_rows(**columns):
    """A results.csv frame with the given columns; the other benchmark columns NaN (the
    test columns: no held-out rows)."""
    from skdm2c.benchmark._report import CSV_COLUMNS

    n = len(next(iter(columns.values())))
    frame = pd.DataFrame({c: [np.nan] * n for c in CSV_COLUMNS})
    frame["n_test"], frame["n_train"], frame["n_clusters"], frame["stack_width"] = 0, 300, 3, 10
    for c in ("train_acc", "train_nmi", "train_ari", "train_f_score", "train_purity"):
        frame[c] = 0.5
    return frame.assign(**columns)


def test_cli_from_results_errors_name_the_file_or_run(tmp_path):
    good = _results_csv_rows(dataset=["synthetic:incomplete=0.5"], method=["kmeans"],
                             seed=[0], key=["k1"])
    good.to_csv(tmp_path / "one.csv", index=False)
    good.assign(key="k2").to_csv(tmp_path / "two.csv", index=False)
    good.drop(columns="key").to_csv(tmp_path / "nokey.csv", index=False)
    with pytest.raises(SystemExit, match=r"synthetic:incomplete=0.5 / kmeans / seed 0 .*"
                                         r"different cache keys"):
        main(["--from-results", str(tmp_path / "one.csv"), str(tmp_path / "two.csv")])
    with pytest.raises(SystemExit, match=r"nokey.csv.*no column\(s\) \['key'\]"):
        main(["--from-results", str(tmp_path / "nokey.csv")])
    with pytest.raises(SystemExit, match="cannot read .*missing.csv"):
        main(["--from-results", str(tmp_path / "missing.csv")])
    with pytest.raises(SystemExit, match="no run of the files is selected"):
        main(["--from-results", str(tmp_path / "one.csv"), "--methods", "linear"])
    with pytest.raises(SystemExit, match="--quick and --no-cache do not apply"):
        main(["--from-results", str(tmp_path / "one.csv"), "--quick"])


def test_cli_from_results_checks_duplicates_after_the_selection(tmp_path):
    base = _results_csv_rows(dataset=["synthetic:incomplete=0.5"] * 2,
                             method=["kmeans", "linear"], seed=[0, 0], key=["k1", "l1"])
    base.to_csv(tmp_path / "one.csv", index=False)
    base.assign(key=["k1", "l2"]).to_csv(tmp_path / "two.csv", index=False)
    files = [str(tmp_path / "one.csv"), str(tmp_path / "two.csv")]
    with pytest.raises(SystemExit, match="linear / seed 0"):
        main(["--from-results", *files])
    # the conflicting linear run is not selected: the identical kmeans run is kept once
    assert main(["--from-results", *files, "--methods", "kmeans", "--map", "none",
                 "--out", str(tmp_path / "out")]) == 0
    assert len(pd.read_csv(tmp_path / "out" / "results.csv")) == 1


@pytest.mark.parametrize("source", [[], ["--from-results", "unread.csv"]])
def test_cli_refuses_fewer_than_one_seed(source):
    with pytest.raises(SystemExit, match="--seeds must be >= 1"):
        main(["--datasets", "synthetic", "--methods", "kmeans", "--seeds", "0", *source])
