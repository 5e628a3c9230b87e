"""Label-informed reference points of a mixed-modal benchmark set.

These are diagnostics, not methods: two of them use the true labels.  For
every seed they are computed on the same training rows the methods see:

* ``single`` -- k-means (``n_init=10``) on each modality's rows ALONE, on
  its own features: how well that modality clusters by itself (ACC / NMI
  over that modality's rows).
* ``aligned`` -- those per-modality clusterings put together, each
  modality's clusters mapped to classes by the Hungarian method on its own
  rows (uses labels).  What a mixed-modal method would reach if it kept
  every modality's k-means clusters and found the correct cross-modal
  correspondence: the ceiling "perfect alignment" of the issue text.
* ``random pairing`` -- the same per-modality clusterings, the other
  modalities' clusters paired with the pivot modality's at random (mean
  over 20 draws): what a method that keeps each modality's clusters but
  pairs them blindly reaches.

The gap between stacked k-means and ``aligned`` is what a mixed-modal
method can win; ``random pairing`` says how much of it needs the correct
correspondence.
"""

import numpy as np

__all__ = ["reference_scores", "reference_markdown"]

N_RANDOM_PAIRINGS = 20


def _per_modality_kmeans(X, dims, n_clusters, seed):
    """Labels of k-means run on each modality's rows alone, and the row modality."""
    from sklearn.cluster import KMeans

    from skdm2c import unpack_modalities

    views, indices = unpack_modalities(X, dims)
    labels = np.empty(X.shape[0], dtype=np.int64)
    modality = np.empty(X.shape[0], dtype=np.int64)
    for m, (view, rows) in enumerate(zip(views, indices)):
        modality[rows] = m
        if len(rows):
            k = min(n_clusters, len(rows))
            labels[rows] = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(view)
    return labels, modality


def _class_mapping(y, labels, n_clusters):
    """Cluster -> class map (Hungarian on the contingency table)."""
    from scipy.optimize import linear_sum_assignment

    classes = np.unique(y)
    table = np.zeros((n_clusters, len(classes)))
    np.add.at(table, (labels, np.searchsorted(classes, y)), 1)
    rows, cols = linear_sum_assignment(-table)
    mapping = np.full(n_clusters, -1, dtype=np.int64)
    mapping[rows] = classes[cols]
    return mapping


def reference_scores(dataset, seed, data_home=None):
    """Reference ACC / NMI of one data set and seed (training rows).

    Returns a dict with ``single_acc`` / ``single_nmi`` (lists, one per
    modality), ``aligned_acc`` / ``aligned_nmi`` and ``random_acc`` /
    ``random_nmi``.
    """
    from sklearn.metrics import normalized_mutual_info_score

    from skdm2c.metrics import clustering_accuracy

    from ._runner import load_benchmark_data

    bunch, train, _ = load_benchmark_data(dataset, seed, data_home)
    X = np.asarray(bunch.data)[train]
    y = np.asarray(bunch.target)[train]
    k = int(len(np.unique(bunch.target)))
    dims = tuple(bunch.modality_dims)
    labels, modality = _per_modality_kmeans(X, dims, k, seed)
    out = {"single_acc": [], "single_nmi": []}
    aligned = np.empty_like(labels)
    for m in range(len(dims)):
        rows = modality == m
        if not rows.any():
            out["single_acc"].append(np.nan)
            out["single_nmi"].append(np.nan)
            continue
        out["single_acc"].append(float(clustering_accuracy(y[rows], labels[rows])))
        out["single_nmi"].append(float(normalized_mutual_info_score(y[rows], labels[rows])))
        aligned[rows] = _class_mapping(y[rows], labels[rows], k)[labels[rows]]
    out["aligned_acc"] = float(clustering_accuracy(y, aligned))
    out["aligned_nmi"] = float(normalized_mutual_info_score(y, aligned))
    rng = np.random.RandomState(seed)
    acc, nmi = [], []
    for _ in range(N_RANDOM_PAIRINGS):
        paired = labels.copy()  # modality 0 keeps its cluster ids, the others are permuted
        for m in range(1, len(dims)):
            rows = modality == m
            paired[rows] = rng.permutation(k)[labels[rows]]
        acc.append(clustering_accuracy(y, paired))
        nmi.append(normalized_mutual_info_score(y, paired))
    out["random_acc"], out["random_nmi"] = float(np.mean(acc)), float(np.mean(nmi))
    return out


def _mean_std(values):
    values = np.asarray(values, dtype=float)
    return f"{values.mean():.4f} ± {values.std():.4f}"


def reference_markdown(scores, modality_names):
    """Markdown table of a list of :func:`reference_scores` (one per seed)."""
    lines = ["| reference (uses labels where marked) | ACC | NMI |", "|---|:---:|:---:|"]
    for m, name in enumerate(modality_names):
        lines.append(f"| k-means on the {name} rows alone (over those rows) | "
                     f"{_mean_std([s['single_acc'][m] for s in scores])} | "
                     f"{_mean_std([s['single_nmi'][m] for s in scores])} |")
    lines.append("| per-modality k-means, random cluster pairing (all rows) | "
                 f"{_mean_std([s['random_acc'] for s in scores])} | "
                 f"{_mean_std([s['random_nmi'] for s in scores])} |")
    lines.append("| per-modality k-means, pairing by the labels (all rows; ceiling) | "
                 f"{_mean_std([s['aligned_acc'] for s in scores])} | "
                 f"{_mean_std([s['aligned_nmi'] for s in scores])} |")
    return "\n".join(lines) + "\n"
