"""Tests of the benchmark command (``python -m skdm2c.benchmark``)."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skdm2c.benchmark import _runner, main, markdown_table, runs_frame, stack_width, summarize
from skdm2c.benchmark._methods import METHODS, make_estimator, params_hash
from skdm2c.benchmark._report import CSV_COLUMNS, markdown_report

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(autouse=True)
def _stable_code_fingerprint(monkeypatch):
    # the cache key hashes the package source; other edits must not break resume tests
    monkeypatch.setattr(_runner, "_code_fingerprint", lambda method=None: "test")


def _cli(tmp_path, *extra):
    # one thread: torch/OpenMP spin-waiting on a busy 2-core machine is 10x slower
    return main(["--quick", "--datasets", "synthetic", "--seeds", "2", "--methods", "dm2c",
                 "kmeans", "--n-jobs", "1",
                 "--threads", "1",
                 "--map", "pca", "--cache-dir", str(tmp_path / "cache"),
                 "--out", str(tmp_path / "out"), *extra])


def test_cli_quick_writes_outputs_and_resumes(tmp_path, capsys):
    assert _cli(tmp_path) == 0
    captured = capsys.readouterr()
    assert "0 run(s) cached, 4 to run" in captured.err
    assert "[4/4 " in captured.err
    assert "### synthetic" in captured.out

    out = tmp_path / "out"
    runs = pd.read_csv(out / "results.csv")
    assert list(runs.columns) == CSV_COLUMNS
    assert len(runs) == 4
    assert set(runs["method"]) == {"dm2c", "kmeans"}
    assert sorted(runs["seed"].unique()) == [0, 1]
    for part in ("train", "test"):
        for m in ("acc", "ari", "nmi", "f_score", "purity"):
            v = runs[f"{part}_{m}"]
            assert v.notna().all() and (v <= 1).all(), (part, m)
    assert (runs["n_train"] == 225).all() and (runs["n_test"] == 75).all()
    assert (runs["fit_time_s"] >= 0).all() and (runs["peak_mem_mb"] >= 0).all()
    assert runs["error"].isna().all()
    # per-modality diagnostics of the joint clustering
    assert runs["train_acc_by_modality"].str.fullmatch(r"modality0=\S+ modality1=\S+").all()
    assert runs["train_modality_nmi"].between(0, 1).all()

    md = (out / "results.md").read_text()
    assert "Command: `python -m skdm2c.benchmark --quick" in md
    assert "| DM2C |" in md and "| k-means |" in md and "**" in md
    assert "| method | ACC modality0 | ACC modality1 | NMI modality0 |" in md
    assert "### Reference points" in md and "pairing by the labels" in md
    assert "### Summary" in md and "| synthetic |" in md
    refs = pd.read_csv(out / "references.csv")
    assert list(refs["seed"]) == [0, 1] and refs["aligned_acc"].between(0, 1).all()
    for png in ("scores.png", "latent_synthetic.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    cache = list((tmp_path / "cache").rglob("*.json"))
    assert len(cache) == 4

    # resume: nothing is refitted, the same numbers come back
    assert _cli(tmp_path) == 0
    err = capsys.readouterr().err
    assert "4 run(s) cached, 0 to run" in err
    assert "[1/" not in err
    again = pd.read_csv(out / "results.csv")
    pd.testing.assert_frame_equal(runs, again)
    assert len(list((tmp_path / "cache").rglob("*.json"))) == 4

    # --no-cache refits
    main(["--quick", "--datasets", "synthetic", "--seeds", "1", "--methods", "kmeans",
          "--n-jobs", "1", "--threads", "1", "--map", "none",
          "--cache-dir", str(tmp_path / "cache"), "--no-cache"])
    assert "0 run(s) cached, 1 to run" in capsys.readouterr().err


def test_cli_parallel(tmp_path, capsys):
    main(["--quick", "--datasets", "synthetic", "--seeds", "2", "--methods", "kmeans",
          "--n-jobs", "2", "--map", "none",
          "--cache-dir", str(tmp_path / "cache")])
    err = capsys.readouterr().err
    assert "2 to run on 2 process(es) x" in err
    assert "[2/2 " in err
    recs = [json.loads(p.read_text()) for p in (tmp_path / "cache").rglob("*.json")]
    assert sorted(r["seed"] for r in recs) == [0, 1]


def _runs(rows):
    cols = ["train_acc", "train_nmi", "fit_time_s"]
    recs = []
    for method, seed, values in rows:
        recs.append({"dataset": "toy", "method": method, "seed": seed, "error": "",
                     **dict(zip(cols, values))})
    return pd.DataFrame(recs), cols


def test_markdown_marks_best_per_column():
    runs, cols = _runs([
        ("dm2c", 0, (0.50, 0.30, 9.0)), ("dm2c", 1, (0.70, 0.30, 11.0)),
        ("kmeans", 0, (0.40, 0.50, 0.1)), ("kmeans", 1, (0.40, 0.40, 0.3)),
        ("idec", 0, (0.60, 0.45, 5.0)), ("idec", 1, (0.60, 0.45, 5.0)),
    ])
    summary = summarize(runs, cols)
    assert summary["method"].tolist() == ["dm2c", "kmeans", "idec"]
    np.testing.assert_allclose(summary["train_acc_mean"], [0.6, 0.4, 0.6])
    np.testing.assert_allclose(summary["train_acc_std"], [np.sqrt(0.02), 0.0, 0.0])
    table = markdown_table(summary, cols, labels={"train_acc": "ACC", "train_nmi": "NMI"})
    lines = table.splitlines()
    assert lines[0] == "| method | ACC | NMI | fit_time_s |"
    dm2c, kmeans, idec = (line.split(" | ") for line in lines[2:])
    # ACC: DM2C and IDEC tie at 0.6000 -> both bold; k-means not
    assert dm2c[1] == "**0.6000 ± 0.1414**" and idec[1] == "**0.6000 ± 0.0000**"
    assert "**" not in kmeans[1]
    # NMI: k-means best (0.45 vs 0.45? no: 0.4500 vs IDEC 0.4500 -> tie)
    assert kmeans[2] == "**0.4500 ± 0.0707**" and idec[2] == "**0.4500 ± 0.0000**"
    assert "**" not in dm2c[2]
    # fit time: lower is better
    assert kmeans[3].startswith("**0.2 ± 0.1**")
    assert "**" not in dm2c[3] and "**" not in idec[3]


def test_markdown_failed_runs_are_excluded():
    runs, cols = _runs([("dm2c", 0, (0.5, 0.3, 1.0)), ("dm2c", 1, (np.nan, np.nan, np.nan)),
                        ("kmeans", 0, (0.4, 0.2, 0.1))])
    runs.loc[1, "error"] = "DivergenceError: boom"
    summary = summarize(runs, cols)
    assert summary.loc[0, "n_runs"] == 1 and summary.loc[0, "n_failed"] == 1
    table = markdown_table(summary, cols)
    assert "DM2C (1 failed)" in table
    assert "**0.5000 ± 0.0000**" in table


def test_markdown_report_per_dataset():
    rows = []
    for ds in ("a", "b"):
        for method, acc in (("dm2c", 0.9), ("kmeans", 0.5)):
            rows.append({"dataset": ds, "method": method, "seed": 0, "n_train": 10,
                         "n_test": 5, "n_clusters": 2, "stack_width": 4, "error": "",
                         **{f"{p}_{m}": acc for p in ("train", "test")
                            for m in ("acc", "ari", "nmi", "f_score", "purity")},
                         "fit_time_s": 1.0, "peak_mem_mb": 2.0})
    md = markdown_report(pd.DataFrame(rows))
    assert md.index("### a") < md.index("### b")
    ordered = runs_frame(rows, datasets=["b", "a"])
    assert ordered["dataset"].tolist() == ["b", "b", "a", "a"]
    assert ordered["method"].tolist() == ["dm2c", "kmeans"] * 2
    md = markdown_report(ordered)
    assert md.index("### b") < md.index("### a")
    assert md.count("| **DM2C") == 0  # method names are never bold
    assert md.count("**0.9000 ± 0.0000**") == 20  # 5 metrics x train/test x 2 data sets


def test_per_modality_diagnostics():
    y = np.array([0, 0, 1, 1, 0, 0, 1, 1])
    modality = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    # modalities clustered apart (4 clusters, 2 per modality): perfect inside each;
    # the clusters determine the modality, so MI = H(modality) = 1 bit, H(clusters) = 2
    # bits and the arithmetic-mean NMI is 2 * 1 / (1 + 2)
    apart = _runner._per_modality(y, np.array([0, 0, 1, 1, 2, 2, 3, 3]), modality, ("a", "b"))
    assert apart["acc"] == "a=1.0000 b=1.0000"
    assert apart["modality_nmi"] == pytest.approx(2 / 3)
    # one shared clustering: modality NMI 0
    joint = _runner._per_modality(y, y, modality, ("a", "b"))
    assert joint["nmi"] == "a=1.0000 b=1.0000"
    assert joint["modality_nmi"] == pytest.approx(0.0, abs=1e-12)


def test_registry_defaults_and_hash():
    assert list(METHODS) == ["dm2c", "linear", "kmeans", "dkm", "dcn", "idec", "imsat",
                             "dm2c-paper", "dm2c-noadv", "dm2c-fixedt", "dm2c-t0.2", "dm2c-joint",
                             "dm2c-nocontrast", "dm2c-spherical", "dm2c-cross-block",
                             "dm2c-tied", "dm2c-previous", "dm2c-one-start"]
    # an ablation is DM2C's defaults with its changes, nothing else
    for name, changes in [("dm2c-joint", {"cluster_assignment": "joint"}),
                          ("dm2c-spherical", {"paired_covariance": "spherical"}),
                          ("dm2c-cross-block", {"paired_covariance": "cross-block"}),
                          ("dm2c-tied", {"paired_covariance": "tied"}),
                          ("dm2c-previous", {"own_features": "auto", "paired_n_init": 1}),
                          ("dm2c-one-start", {"paired_n_init": 1}),
                          ("dm2c-nocontrast", {"lambda_contrastive": 0.0}),
                          ("dm2c-t0.2",
                           {"pair_temperature": 0.2, "learn_pair_temperature": False})]:
        expected = {**make_estimator("dm2c", 4, 0, 8).get_params(), **changes}
        assert make_estimator(name, 4, 0, 8).get_params() == expected
    est = make_estimator("idec", 4, 0, 8, modality_dims=(20, 10))
    assert est.named_steps["stack"].n_components == 8
    assert est.named_steps["model"].n_clusters == 4
    h = params_hash(est)
    assert h == params_hash(make_estimator("idec", 4, 0, 8, modality_dims=(20, 10)))
    assert h != params_hash(make_estimator("idec", 4, 1, 8, modality_dims=(20, 10)))
    assert h != params_hash(make_estimator("idec", 4, 0, 8, modality_dims=(20, 10), quick=True))
    dm2c = make_estimator("dm2c", 4, 0, 8)
    assert type(dm2c).__name__ == "DM2CClustering" and dm2c.n_clusters == 4
    with pytest.raises(ValueError, match="Unknown method"):
        make_estimator("nope", 2, 0, 2)


def test_stack_width():
    assert stack_width((128, 10), (1000, 1000)) == 10
    assert stack_width((1024, 300), (225, 225)) == 32
    assert stack_width((76, 216), (20, 500)) == 20


@pytest.mark.skipif(not (DATA / "cub10").is_dir(), reason="real data folder not found")
def test_real_data_cub10_kmeans(tmp_path, capsys):
    pytest.importorskip("skdm2c.datasets._loaders")
    main(["--data-home", str(DATA), "--datasets", "cub10", "--methods", "kmeans", "--seeds", "1",
          "--n-jobs", "1", "--map", "none", "--cache-dir", str(tmp_path / "c"),
          "--out", str(tmp_path / "o")])
    runs = pd.read_csv(tmp_path / "o" / "results.csv")
    assert len(runs) == 1 and runs["error"].isna().all()
    assert runs.loc[0, "n_train"] + runs.loc[0, "n_test"] == 600
    assert runs.loc[0, "n_clusters"] == 10
    assert runs.loc[0, "train_acc"] > 0.2


def test_code_fingerprint_is_per_method(monkeypatch):
    # DM2C's modules are not part of a baseline's key and vice versa; shared
    # modules (the training core) are part of every key.
    monkeypatch.undo()
    from pathlib import Path

    import skdm2c

    root = Path(skdm2c.__file__).resolve().parent
    from skdm2c.benchmark._methods import ABLATIONS

    dm2c_runs = ("dm2c", *ABLATIONS)  # every ablation runs DM2C's own modules
    before = {m: _runner._code_fingerprint(m) for m in (*dm2c_runs, "idec", "kmeans")}
    real_read = Path.read_bytes

    def edited(name):
        def read_bytes(self):
            data = real_read(self)
            return data + b"# edit" if self == root / name else data
        return read_bytes

    monkeypatch.setattr(Path, "read_bytes", edited("dm2c/_training.py"))
    after = {m: _runner._code_fingerprint(m) for m in before}
    assert all(after[m] != before[m] for m in dm2c_runs)
    assert after["idec"] == before["idec"] and after["kmeans"] == before["kmeans"]

    monkeypatch.setattr(Path, "read_bytes", edited("baselines/_idec.py"))
    after = {m: _runner._code_fingerprint(m) for m in before}
    assert after["idec"] != before["idec"]
    assert all(after[m] == before[m] for m in (*dm2c_runs, "kmeans"))

    monkeypatch.setattr(Path, "read_bytes", edited("_core/_training.py"))
    after = {m: _runner._code_fingerprint(m) for m in before}
    assert all(after[m] != before[m] for m in before)


def test_dm2c_paper_method_uses_the_published_schedule():
    from skdm2c import DM2CClustering

    est = make_estimator("dm2c-paper", 4, 0, 8, modality_dims=(5, 3))
    for name, value in DM2CClustering.PAPER_PARAMS.items():
        assert est.get_params()[name] == value
    from skdm2c.benchmark._methods import DEFAULT_METHODS

    assert DEFAULT_METHODS == ("dm2c", "linear", "kmeans", "dkm", "dcn", "idec", "imsat")
    ablation = make_estimator("dm2c-noadv", 4, 0, 8, modality_dims=(5, 3))
    default = make_estimator("dm2c", 4, 0, 8, modality_dims=(5, 3))
    assert ablation.lambda_adv == 0.0 and default.lambda_adv > 0
    assert {k: v for k, v in ablation.get_params().items() if k != "lambda_adv"} == {
        k: v for k, v in default.get_params().items() if k != "lambda_adv"}
    changed = ("pair_temperature", "learn_pair_temperature")
    for name, temperature in (("dm2c-fixedt", 0.5), ("dm2c-t0.2", 0.2)):
        fixed = make_estimator(name, 4, 0, 8, modality_dims=(5, 3))
        assert fixed.pair_temperature == temperature and not fixed.learn_pair_temperature
        assert default.learn_pair_temperature
        assert {k: v for k, v in fixed.get_params().items() if k not in changed} == {
            k: v for k, v in default.get_params().items() if k not in changed}


def test_reference_points_bound_the_alignment():
    from skdm2c.benchmark._reference import reference_markdown, reference_scores

    ref = reference_scores("synthetic", 0)
    # well-separated blobs: each modality clusters perfectly on its own, so
    # pairing the clusters by the labels is perfect while a random pairing is not
    assert ref["single_acc"] == [1.0, 1.0] and ref["aligned_acc"] == 1.0
    assert ref["aligned_nmi"] == pytest.approx(1.0)
    assert ref["random_acc"] < 0.9 and ref["random_nmi"] < 0.9
    md = reference_markdown([ref, reference_scores("synthetic", 1)], ["a", "b"])
    assert "| k-means on the b rows alone (over those rows) | 1.0000 ± 0.0000 |" in md


@pytest.mark.skipif(not (DATA / "cub10").is_dir(), reason="shared data not available")
def test_reference_points_on_cub10():
    # the figures for cub10: image alone about 0.75, text alone 0.55,
    # perfect alignment about 0.65, blind pairing about 0.40
    from skdm2c.benchmark._reference import reference_scores

    ref = reference_scores("cub10", 0, DATA)
    assert ref["single_acc"][0] > 0.6 and ref["single_acc"][1] > 0.45
    assert 0.55 < ref["aligned_acc"] < 0.75
    assert ref["random_acc"] < ref["aligned_acc"] - 0.1


def test_summary_marks_dm2c_only_where_it_beats_every_other_method():
    from skdm2c.benchmark._report import summary_markdown

    rows = []
    for seed in (0, 1):
        rows.append(dict(dataset="d", method="dm2c", seed=seed, train_acc=0.5, train_nmi=0.2,
                         test_acc=0.4, test_nmi=0.3, error=None))
        rows.append(dict(dataset="d", method="kmeans", seed=seed, train_acc=0.4, train_nmi=0.3,
                         test_acc=0.3, test_nmi=0.1, error=None))
        rows.append(dict(dataset="d", method="idec", seed=seed, train_acc=0.45, train_nmi=0.1,
                         test_acc=0.5, test_nmi=0.2, error=None))
    md = summary_markdown(pd.DataFrame(rows))
    line = next(x for x in md.splitlines() if x.startswith("| d |"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[1:3] == ["**0.500**", "0.450 (IDEC)"]      # train ACC: above every method
    assert cells[3:5] == ["0.200", "0.300 (k-means)"]        # train NMI: k-means is higher
    assert cells[5:7] == ["0.400", "0.500 (IDEC)"]
    assert cells[7:9] == ["**0.300**", "0.200 (IDEC)"]


def test_summary_header_names_the_reference_method():
    from skdm2c.benchmark._report import summary_markdown

    rows = [dict(dataset="d", method=m, seed=0, train_acc=a, train_nmi=0.2, test_acc=0.4,
                 test_nmi=0.3, error=None) for m, a in (("linear", 0.5), ("kmeans", 0.4))]
    header = summary_markdown(pd.DataFrame(rows), reference="linear").splitlines()[0]
    assert "DM2C" not in header
    assert header.startswith("| data set | Linear CCA reference train ACC | best other |")


def test_latent_plot_names_rows_observing_several_modalities():
    from skdm2c.benchmark._report import _modality_label

    assert _modality_label(-1, ["image", "text"]) == "several modalities"
    assert _modality_label(1, ["image", "text"]) == "text"
    assert _modality_label(2, ["image", "text"]) == "modality 2"


def test_comparison_gives_paired_differences_with_standard_errors():
    from skdm2c.benchmark._report import comparison_markdown

    rows = []
    for seed, (mine, theirs) in enumerate([(0.5, 0.4), (0.6, 0.4), (0.4, 0.5)]):
        rows.append(dict(dataset="d:incomplete=0", method="dm2c", seed=seed, train_acc=mine,
                         train_nmi=0.3, test_acc=np.nan, test_nmi=np.nan, error=None))
        rows.append(dict(dataset="d:incomplete=0", method="kmeans", seed=seed,
                         train_acc=theirs, train_nmi=0.3, test_acc=np.nan, test_nmi=np.nan,
                         error=None))
    md = comparison_markdown(pd.DataFrame(rows))
    diffs = np.array([0.1, 0.2, -0.1])
    se = diffs.std(ddof=1) / np.sqrt(3)
    line = next(x for x in md.splitlines() if x.startswith("| k-means |"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[1] == f"{diffs.mean():+.4f} ± {se:.4f} (2/3)"
    assert cells[2] == "+0.0000 ± 0.0000 (0/3)"
    assert len(cells) == 3  # no held-out columns: the protocol has no held-out rows
    assert "higher than every baseline on average — ACC (train): yes, NMI (train): no" in md


@pytest.mark.parametrize("spec", ["synthetic", "synthetic:incomplete=0.5"])
def test_training_rows_are_the_fitted_rows_with_their_blocks(spec):
    from skdm2c import observed_blocks
    from skdm2c.benchmark import load_benchmark_data, training_rows

    bunch, X, y, observed, k = training_rows(spec, 0)
    _, train, test = load_benchmark_data(spec, 0)
    np.testing.assert_array_equal(X, np.asarray(bunch.data)[train])
    np.testing.assert_array_equal(y, np.asarray(bunch.target)[train])
    np.testing.assert_array_equal(observed, observed_blocks(X, bunch.modality_dims))
    assert k == len(np.unique(bunch.target))
    # unpaired rows hold one block each and leave some rows out; protocol rows are all fitted
    assert (observed.sum(axis=1) == 1).all() if spec == "synthetic" else observed.all(1).any()
    assert (len(test) > 0) == (spec == "synthetic")
