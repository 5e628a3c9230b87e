"""Smoke tests of the measurement scripts in benchmarks/ (tiny synthetic runs)."""

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

SCRIPTS = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name):
    # the scripts run as `python benchmarks/NAME.py`, with their folder on the path
    if str(SCRIPTS) not in sys.path:
        sys.path.insert(0, str(SCRIPTS))
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _assert_rereads_its_table(script, out, printed, capsys):
    """``--from-results out`` prints exactly the table that ends the run's output ``printed``
    (from its header line on; the lines before it are progress)."""
    script.main(["--from-results", str(out)])
    reread = capsys.readouterr().out.strip()
    lines = printed.strip().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| data |"))
    assert reread == "\n".join(lines[start:])


def test_assignment_draws_start_from_the_benchmark_run(tmp_path, capsys):
    from skdm2c.benchmark._methods import make_estimator
    from skdm2c.benchmark._runner import load_benchmark_data
    from skdm2c.metrics import clustering_accuracy

    draws = _load("check_assignment_draws")
    out = tmp_path / "draws.jsonl"
    draws.main(["--datasets", "synthetic:incomplete=0.5", "--seeds", "1", "--draws", "3",
                "--out", str(out)])
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["method"] for r in rows] == ["dm2c", "linear"]
    assert rows[0]["assignment"] == "paired"
    assert all(len(r["acc"]) == 3 for r in rows)
    # draw 0 is exactly the benchmark's run of that seed
    bunch, train, _ = load_benchmark_data("synthetic:incomplete=0.5", 0)
    y = np.asarray(bunch.target)[train]
    est = make_estimator("dm2c", len(np.unique(y)), 0, 32, modality_dims=bunch.modality_dims)
    est.fit(np.asarray(bunch.data)[train])
    assert rows[0]["acc"][0] == round(float(clustering_accuracy(y, est.labels_)), 4)
    table = capsys.readouterr().out
    assert "| synthetic:incomplete=0.5 | dm2c |" in table
    assert "| data | method |" in table
    _assert_rereads_its_table(draws, out, table, capsys)


def test_assignment_draws_refuse_a_single_draw():
    draws = _load("check_assignment_draws")
    with pytest.raises(SystemExit):
        draws.main(["--draws", "1"])


def test_paired_features_script_scores_every_variant(tmp_path, capsys):
    from skdm2c.benchmark._methods import make_estimator
    from skdm2c.benchmark._runner import load_benchmark_data
    from skdm2c.metrics import clustering_accuracy

    script = _load("check_paired_features")
    out = tmp_path / "features.jsonl"
    script.main(["--datasets", "synthetic:incomplete=0.5", "--seeds", "1", "--out", str(out)])
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert set(script.VARIANTS) <= set(row)
    assert all(0 <= row[v][0] <= 1 and 0 <= row[v][1] <= 1 for v in script.VARIANTS)
    # its DM2C column is DM2C's codes-only fit of the benchmark's seed
    bunch, train, _ = load_benchmark_data("synthetic:incomplete=0.5", 0)
    y = np.asarray(bunch.target)[train]
    est = make_estimator("dm2c", len(np.unique(y)), 0, 32, modality_dims=bunch.modality_dims)
    est.set_params(own_features="none").fit(np.asarray(bunch.data)[train])
    assert row["dm2c"][0] == round(float(clustering_accuracy(y, est.labels_)), 4)
    assert "| synthetic:incomplete=0.5 |" in capsys.readouterr().out


def test_linear_tied_script_starts_from_the_benchmark_linear_run(capsys):
    from skdm2c.benchmark import load_benchmark_data, make_estimator
    from skdm2c.metrics import clustering_accuracy

    script = _load("check_linear_tied")
    script.main(["--datasets", "synthetic:incomplete=0.5", "--seeds", "1"])
    line = capsys.readouterr().out.splitlines()[0]
    # its "linear" column is exactly the benchmark's linear run of that seed
    bunch, _, _ = load_benchmark_data("synthetic:incomplete=0.5", 0)
    X, y = np.asarray(bunch.data), np.asarray(bunch.target)
    est = make_estimator("linear", len(np.unique(y)), 0, 32,
                         modality_dims=tuple(bunch.modality_dims)).fit(X)
    acc = clustering_accuracy(y, est.named_steps["model"].labels_)
    assert line.startswith(f"synthetic:incomplete=0.5 seed 0: linear {acc:.3f} / ")
    assert "linear + tied" in line


def test_tied_refinement_follows_a_shared_elongated_covariance():
    from sklearn.mixture import GaussianMixture

    script = _load("check_linear_tied")
    rng = np.random.RandomState(0)
    y = np.repeat([0, 1], 200)
    # two clusters 2 apart along x, each stretched (sd 3) along y
    Z = np.column_stack([2.0 * y + 0.3 * rng.normal(size=400), 3.0 * rng.normal(size=400)])
    start = y.copy()
    flip = rng.rand(400) < 0.25                                   # a quarter of the rows wrong
    start[flip] = 1 - start[flip]

    def agreement(labels):
        return max(np.mean(labels == y), np.mean(labels != y))

    labels = script.tied_refinement(Z, start, 2, 0)
    means = np.array([Z[start == j].mean(0) for j in range(2)])
    spherical = GaussianMixture(2, covariance_type="spherical", means_init=means,
                                random_state=0).fit(Z).predict(Z)
    assert agreement(labels) > 0.99
    assert agreement(start) < 0.8 and agreement(spherical) < 0.6   # the shared shape matters


def test_aligned_scoring_row_kinds_add_up_to_all_rows(monkeypatch, capsys):
    from skdm2c.datasets import make_partially_aligned

    script = _load("check_aligned_scoring")
    rng = np.random.RandomState(0)
    y = np.repeat(np.arange(3), 40)
    # overlapping classes, so that the scores are not all 1
    views = [np.eye(3)[y] @ rng.normal(size=(3, 6)) + rng.normal(size=(120, 6)),
             np.eye(3)[y] @ rng.normal(size=(3, 4)) + rng.normal(size=(120, 4))]

    def load(name, *, protocol, paired_fraction, random_state, data_home):
        assert (name, protocol) == ("toy", "aligned")
        data = make_partially_aligned(views, y, aligned_fraction=paired_fraction,
                                      random_state=random_state)
        data.views = views  # as load_dataset returns them
        return data

    monkeypatch.setattr(script, "load_dataset", load)
    script.main(["--dataset", "toy", "--seeds", "1", "--supervised"])
    out = capsys.readouterr().out
    final = out.split("mean (std) of 1 seeds")[1]
    acc = {line[7:37].strip(): float(line.split("ACC ")[1].split()[0])
           for line in final.splitlines() if line.startswith("dm2c")}
    observed = load("toy", protocol="aligned", paired_fraction=0.5, random_state=0,
                    data_home=None).observed
    n = np.array([(observed.all(1)).sum(), (observed[:, 0] & ~observed[:, 1]).sum(),
                  (~observed[:, 0] & observed[:, 1]).sum()])
    kinds = np.array([acc["known pairs"], acc["first modality only"],
                      acc["second modality only"]])
    assert acc["all rows"] < 0.95 and len(set(kinds)) > 1
    assert abs(kinds @ n / n.sum() - acc["all rows"]) < 2e-3  # printed to 3 decimals
    assert "supervised reference, modality0 features alone: 5-fold ACC" in out


def test_structure_variants_script_default_is_the_estimators_step(tmp_path, capsys):
    from skdm2c.dm2c._assign import structure_matched_kmeans

    script = _load("check_structure_variants")
    spec = "synthetic:incomplete=0"
    R, observed, _, k, pivot = script._features(spec, 0, None)
    U = [np.where(np.isnan(r[:, :1]), np.nan, 0.0) for r in R]
    for seed in (5000, 5001):
        expected = structure_matched_kmeans(R, U, observed, k, pivot, n_init=20,
                                            random_state=seed)[0]
        np.testing.assert_array_equal(script._step(R, observed, k, pivot, seed), expected)
    out = tmp_path / "variants.jsonl"
    script.main(["--datasets", spec, "--seeds", "1", "--draws", "3", "--out", str(out)])
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted({r["variant"] for r in rows}) == sorted(script.VARIANTS)
    assert len(rows) == 3 * len(script.VARIANTS)
    default = [(r["acc"], r["nmi"]) for r in rows if r["variant"] == "default"]
    medoid = {(r["acc"], r["nmi"]) for r in rows if r["variant"] == "medoid"}
    assert len(medoid) == 1 and medoid <= set(default)  # one of the default draws
    table = capsys.readouterr().out
    assert f"| {spec} | spread |" in table
    _assert_rereads_its_table(script, out, table, capsys)


def test_structure_variants_script_refuses_a_paired_spec():
    script = _load("check_structure_variants")
    with pytest.raises(ValueError, match="not 'structure'"):
        script._features("synthetic:incomplete=0.5", 0, None)


def test_aligned_capacity_constraint_keeps_the_counts_and_a_feasible_optimum():
    script = _load("check_aligned_capacity")
    rng = np.random.default_rng(0)
    cost = rng.uniform(size=(12, 3))
    free = cost.argmin(axis=1)
    # the unconstrained optimum is kept when it already has the required counts
    np.testing.assert_array_equal(
        script.constrained(cost, np.bincount(free, minlength=3)), free)
    labels = script.constrained(cost, np.array([6, 4, 2]))
    np.testing.assert_array_equal(np.bincount(labels, minlength=3), [6, 4, 2])
    assert cost[np.arange(12), labels].sum() >= cost[np.arange(12), free].sum()


def test_aligned_capacity_row_costs_reproduce_predict():
    from skdm2c import DM2CClustering
    from skdm2c.datasets import make_partially_aligned

    script = _load("check_aligned_capacity")
    rng = np.random.RandomState(0)
    y = np.repeat(np.arange(3), 40)
    views = [np.eye(3)[y] @ rng.normal(size=(3, 6)) + rng.normal(size=(120, 6)),
             np.eye(3)[y] @ rng.normal(size=(3, 4)) + rng.normal(size=(120, 4))]
    data = make_partially_aligned(views, y, aligned_fraction=0.5, random_state=0)
    observed = np.asarray(data.observed, dtype=bool)
    est = DM2CClustering(n_clusters=3, pretrain_epochs=2, epochs=2, latent_dim=4,
                         paired_covariance="tied", random_state=0).fit(data.data)
    cost = script.row_costs(est, data.data, observed)
    np.testing.assert_array_equal(cost.argmin(axis=1), est.predict(data.data))
    with pytest.raises(ValueError, match="tied or spherical"):
        script.row_costs(est.set_params(paired_covariance="cross-block").fit(data.data),
                         data.data, observed)


def test_per_seed_runner_writes_every_record_and_rereads_them(tmp_path, capsys):
    runner = _load("_per_seed")
    out = tmp_path / "records.jsonl"
    args = runner.script_parser("Doc.", ["a", "b"], 2).parse_args(["--out", str(out)])

    def summary(records):
        return "|".join(f"{r['spec']}{r['seed']}" for r in records)

    records = runner.run_per_seed(
        args, lambda spec, seed: [{"spec": spec, "seed": seed}], summary,
        lambda spec, seed, new: f"{spec} {seed} done")
    assert [(r["spec"], r["seed"]) for r in records] == [("a", 0), ("a", 1), ("b", 0), ("b", 1)]
    printed = capsys.readouterr().out.splitlines()
    assert printed == ["a 0 done", "a 1 done", "b 0 done", "b 1 done", "a0|a1|b0|b1"]
    again = runner.script_parser("Doc.", [], 1).parse_args(["--from-results", str(out)])
    assert runner.print_from_results(again, summary)
    assert capsys.readouterr().out.strip() == "a0|a1|b0|b1"
    assert not runner.print_from_results(args, summary)


def test_consensus_matching_mends_a_matching_the_other_modalities_contradict():
    from sklearn.cluster import KMeans

    script = _load("check_consensus_matching")
    rng = np.random.RandomState(0)
    k, per = 5, 40
    centres = rng.normal(size=(k, 4)) * [4, 3, 2, 1]
    y = np.repeat(np.arange(k), per)
    # three modalities: the same clusters under different invertible linear maps
    R, models = [], []
    n = 3 * k * per
    observed = np.zeros((n, 3), dtype=bool)
    for m in range(3):
        rows = np.arange(m * k * per, (m + 1) * k * per)
        observed[rows, m] = True
        Z = (centres[y] + 0.05 * rng.normal(size=(k * per, 4))) @ rng.normal(size=(4, 4))
        block = np.full((n, 4), np.nan)
        block[rows] = Z
        R.append(block)
        km = KMeans(k, n_init=10, random_state=m).fit(Z)
        models.append(km)
    # the true matching of every modality's clusters to modality 0's
    truth = [np.array([np.bincount(models[0].labels_[y == np.bincount(y[km.labels_ == c]).argmax()],
                                   minlength=k).argmax() for c in range(k)]) for km in models]
    wrong = [p.copy() for p in truth]
    wrong[1][[0, 1]] = wrong[1][[1, 0]]  # modality 1 with two clusters swapped
    mended = script.consensus(models, R, observed, k, 0, wrong)
    for m in range(3):
        np.testing.assert_array_equal(mended[m], truth[m])


def test_matching_signal_script_scores_the_step_and_the_correct_matching(tmp_path, capsys):
    from sklearn.metrics import normalized_mutual_info_score

    from skdm2c.dm2c._assign import structure_matched_kmeans

    script = _load("check_matching_signal")
    spec = "synthetic:incomplete=0"
    out = tmp_path / "signal.jsonl"
    script.main(["--datasets", spec, "--seeds", "1", "--draws", "2", "--out", str(out)])
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    R, observed, y, k, pivot = script._features(spec, 0, None)
    assert len(rows) == 2 * (len(R) - 1) and {r["modality"] for r in rows} == \
        set(range(len(R))) - {pivot}
    U = [np.where(np.isnan(r[:, :1]), np.nan, 0.0) for r in R]
    for d in (0, 1):  # the step's labels are the estimator's step with that seed
        labels = structure_matched_kmeans(R, U, observed, k, pivot, n_init=20,
                                          random_state=5000 + d)[0]
        record = next(r for r in rows if r["draw"] == d)
        assert record["nmi"] == round(normalized_mutual_info_score(y, labels), 4)
    for r in rows:
        assert 0 <= r["matched"] <= k
        # the step found its own objective's optimum: never above the correct matching's
        assert r["objective_found"] <= r["objective_correct"] + 1e-4
        assert r["objective_random"] == pytest.approx(3.0, abs=1e-3)  # two structures + sizes
        # well-separated clusters: the correct matching recovers the classes; their centres
        # carry no matching signal here, so the step's matching does not
        assert r["acc_correct"] == 1.0 and r["acc"] < 1.0
    table = capsys.readouterr().out
    assert f"| {spec} |" in table
    _assert_rereads_its_table(script, out, table, capsys)


def test_matching_signal_class_matching_inverts_a_relabelling():
    script = _load("check_matching_signal")

    class _KM:
        def __init__(self, labels):
            self.labels_ = np.asarray(labels)

    y = np.array([0, 0, 1, 1, 2, 2, 0, 1, 2, 2])
    observed = np.zeros((10, 2), dtype=bool)
    observed[:6, 0] = observed[6:, 1] = True
    pivot_labels = np.array([2, 2, 0, 0, 1, 1])    # class c -> pivot cluster (c + 2) % 3
    other_labels = np.array([1, 2, 0, 0])         # class c -> cluster (c + 1) % 3
    perm, to_class = script.class_matching([_KM(pivot_labels), _KM(other_labels)], None,
                                           observed, y, 3, 0)
    np.testing.assert_array_equal(perm[0], np.arange(3))
    # cluster c of the other modality holds class (c - 1) % 3, i.e. pivot cluster (c + 1) % 3
    np.testing.assert_array_equal(perm[1], (np.arange(3) + 1) % 3)
    np.testing.assert_array_equal(to_class[1], (np.arange(3) - 1) % 3)


def test_cca_shrinkage_script_default_column_is_the_benchmark_linear_run(capsys):
    from sklearn.metrics import normalized_mutual_info_score

    from skdm2c.benchmark import make_estimator, training_rows
    from skdm2c.metrics import clustering_accuracy

    script = _load("check_cca_shrinkage")
    spec = "synthetic:incomplete=0.5"
    got = script.scores(spec, 0, [0.0, 0.5], None)
    bunch, X, y, _, k = training_rows(spec, 0)
    labels = make_estimator("linear", k, 0, 32, modality_dims=bunch.modality_dims).fit(X)[-1]
    assert got[0.5] == (clustering_accuracy(y, labels.labels_),
                        normalized_mutual_info_score(y, labels.labels_))
    script.main(["--datasets", spec, "--seeds", "2", "--shrinkage", "0", "0.5"])
    out = capsys.readouterr().out
    assert "mean of seeds 0-1" in out and f"| {spec} | " in out and "s = 0.5" in out


def test_cca_shrinkage_script_needs_the_default():
    script = _load("check_cca_shrinkage")
    with pytest.raises(SystemExit):
        script.main(["--datasets", "synthetic:incomplete=0.5", "--shrinkage", "0", "0.9"])


def test_paired_starts_script_records_and_rules(tmp_path, capsys):
    script = _load("check_paired_starts")
    out = tmp_path / "starts.jsonl"
    script.main(["--datasets", "synthetic:incomplete=0.5", "--seeds", "1", "--out", str(out)])
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    n = script.N_STARTS
    assert len(record["acc"]) == len(record["loglik"]) == n
    ari = np.array(record["ari"])
    assert ari.shape == (n, n) and np.allclose(np.diag(ari), 1.0) and np.allclose(ari, ari.T)
    assert "| synthetic:incomplete=0.5 (1) |" in capsys.readouterr().out
    # the rules on a made-up record: each picks the start it names, per group of 8
    fake = dict(acc=list(np.arange(16) / 16), loglik=[0.0] * 16, ari=np.eye(16).tolist())
    fake["loglik"][3], fake["loglik"][12] = 1.0, 1.0          # likelihood: starts 3 and 12
    ari = np.eye(16)
    ari[5, :8] = ari[:8, 5] = 0.5
    ari[9, 8:] = ari[8:, 9] = 0.5                             # most typical: starts 5 and 9
    fake["ari"] = ari.tolist()
    got = script.rules(fake)
    assert got["likelihood (default)"] == [3 / 16, 12 / 16]
    assert got["most typical"] == [5 / 16, 9 / 16]
    assert got["one start"] == [0.0, 8 / 16]
    assert got["most accurate (labels)"] == [7 / 16, 15 / 16]


def test_paired_starts_script_refuses_an_unpaired_spec():
    script = _load("check_paired_starts")
    with pytest.raises(ValueError, match="not 'paired'"):
        script._starts("synthetic:incomplete=0", 0, None)


def test_same_labels_script_finds_no_difference_in_one_checkout_and_reports_one(
        monkeypatch, capsys):
    script = _load("check_same_labels")
    repo = str(SCRIPTS.parent)
    args = ["--code", repo, repo, "--datasets", "synthetic:incomplete=0", "--methods",
            "dm2c", "--seeds", "1"]
    assert script.main(args) == 0
    assert "2 label arrays (600 labels), 0 labels differ." in capsys.readouterr().out
    calls = []

    def fake(code, *rest):
        calls.append(code)
        labels = np.zeros(10, dtype=int)
        if len(calls) == 2:
            labels[:3] = 1
        return {"spec | seed 0 | dm2c | labels_": labels}

    monkeypatch.setattr(script, "labels_of", fake)
    assert script.main(args) == 1
    out = capsys.readouterr().out
    assert "DIFFERS: spec | seed 0 | dm2c | labels_: 3 of 10 rows" in out


def test_fit_scaling_script_times_one_small_fit(capsys):
    script = _load("bench_fit_scaling")
    script.main(["--code", str(SCRIPTS.parent), "--sizes", "400", "--clusters", "3",
                 "--repeats", "1"])
    out = capsys.readouterr().out
    row = [line for line in out.splitlines() if line.startswith("| 400 | 3 |")][-1]
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert float(cells[3]) > 0 and cells[4] == "1.00" and float(cells[5]) > 0
    assert float(cells[6]) > 0.5  # the blobs are found
    with pytest.raises(SystemExit):
        script.main(["--repeats", "0"])
