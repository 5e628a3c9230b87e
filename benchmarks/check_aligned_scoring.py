"""Score the aligned protocol per row (ours) and per instance (PVC / SURE / VITAL).

Usage::

    python benchmarks/check_aligned_scoring.py [--dataset cub10] [--fraction 0.5] [--seeds 5]

In the aligned protocol every instance is seen in every modality and only a
fraction of the correspondences is known: the known ones are multi-block
rows, each unaligned instance gives one single-block row per modality.  This
package scores ``labels_`` on ALL rows, so an unaligned instance counts once
per modality (the targets of issue 9 are on this scoring).  The published
partially-aligned methods score one row per instance instead: SURE's
``pvp_infer`` (XLearning-SCU/2022-TPAMI-SURE) pairs every view-0 sample with
a re-matched view-1 sample and evaluates against the view-0 labels, so each
instance is scored through its first-modality sample.  The equivalent here
is the score on the rows that observe the first modality (the known pairs
and the first modality's unaligned rows): one row per instance.

Printed per seed and as the mean: ACC / NMI of DM2C's and the linear
reference's default fits on all rows, on the rows holding the first
modality (per instance, the published scoring), on the rows holding the
second, and on each kind of row (the known pairs, the first modality's
unaligned rows, the second's; these three ACCs with the mapping of clusters
to classes that is best on all rows, so that they add up to the all-rows
ACC).  Labels are used only to score.

With ``--supervised``, a reference that is not a method: per modality, the
5-fold cross-validated accuracy of a logistic regression (standardised, PCA
to 32 dimensions) trained with the labels on that modality's features of all
instances; it says how well a row observing only that modality could be
labelled at all.
"""

import argparse
import warnings

import numpy as np
import torch
from sklearn.metrics import normalized_mutual_info_score as nmi

from skdm2c import DM2CClustering, PairedCCAClustering
from skdm2c.datasets import load_dataset
from skdm2c.metrics import clustering_accuracy as acc
from skdm2c.metrics._alignment import _clusters_to_classes


#: Scopes scored with the all-rows mapping of clusters to classes (the other scopes each
#: with their own best mapping, as a method scoring only those rows would be).
ROW_KINDS = ("known pairs", "first modality only", "second modality only")


def _hits(y, labels):
    """Whether every row's cluster maps to its class, under the mapping of clusters to
    classes that is best on all rows."""
    _, y_idx = np.unique(y, return_inverse=True)
    _, l_idx = np.unique(labels, return_inverse=True)
    return _clusters_to_classes(y_idx, l_idx, l_idx.max() + 1, y_idx.max() + 1) == y_idx


def _scopes(observed):
    """``(name, row mask)`` of every way of scoring the aligned protocol's rows."""
    first, second = observed[:, 0], observed[:, 1]
    return [("all rows", np.ones(len(observed), dtype=bool)),
            ("per instance (first modality)", first),
            ("second modality's rows", second),
            ("known pairs", first & second),
            ("first modality only", first & ~second),
            ("second modality only", ~first & second)]


def _instance_labels(data):
    """The label of every instance (row ``i`` of each of ``data.views``)."""
    y = np.empty(len(data.views[0]), dtype=np.asarray(data.target).dtype)
    y[data.instance] = data.target
    return y


def _supervised_accuracy(view, y, seed):
    """5-fold accuracy of a logistic regression on one modality's features (labels used:
    a reference, not a method)."""
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    view = np.asarray(view, dtype=float)
    model = make_pipeline(StandardScaler(), PCA(min(32, view.shape[1]), random_state=seed),
                          LogisticRegression(C=0.1, max_iter=2000))
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    return float(cross_val_score(model, view, y, cv=folds).mean())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="cub10")
    parser.add_argument("--fraction", type=float, default=0.5)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--supervised", action="store_true",
                        help="also print the supervised per-modality reference")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    scores = {}
    for seed in range(args.seeds):
        data = load_dataset(args.dataset, protocol="aligned", paired_fraction=args.fraction,
                            random_state=seed, data_home=args.data_home)
        y, observed = data.target, data.observed
        k = len(np.unique(y))
        for name, est in [("dm2c", DM2CClustering(k, random_state=seed)),
                          ("linear", PairedCCAClustering(k, random_state=seed))]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                labels = est.fit(data.data).labels_
            hits = _hits(y, labels)  # one mapping of clusters to classes, best on all rows
            for scope, rows in _scopes(observed):
                s = (acc(y[rows], labels[rows]), nmi(y[rows], labels[rows]))
                if scope in ROW_KINDS:  # these add up to the all-rows ACC
                    s = (float(hits[rows].mean()), s[1])
                scores.setdefault((name, scope), []).append(s)
                print(f"seed {seed} {name:6s} {scope:30s} ACC {s[0]:.3f} NMI {s[1]:.3f}",
                      flush=True)
        if args.supervised and seed == 0:  # the views do not depend on the seed
            for name, view in zip(data.modality_names, data.views):
                scores[("supervised", f"{name} features alone")] = [
                    (_supervised_accuracy(view, _instance_labels(data), seed), np.nan)]
    print(f"\n{args.dataset}, aligned, {args.fraction:.0%} of correspondences known, "
          f"mean (std) of {args.seeds} seeds")
    for (name, scope), s in scores.items():
        s = np.array(s)
        if name == "supervised":
            print(f"supervised reference, {scope}: 5-fold ACC {s[0, 0]:.3f}")
            continue
        print(f"{name:6s} {scope:30s} ACC {s[:, 0].mean():.3f} ({s[:, 0].std():.3f})  "
              f"NMI {s[:, 1].mean():.3f} ({s[:, 1].std():.3f})")


if __name__ == "__main__":
    main()
