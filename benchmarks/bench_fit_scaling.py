"""Fit time and peak memory of DM2C's defaults on large synthetic data, for two checkouts.

Each fit runs in its own subprocess (one torch thread), so its peak resident
memory (``ru_maxrss``) is its own.  With ``--code DIR [DIR ...]`` every
configuration is fitted once per checkout in turn, ``--repeats`` times
(interleaved, so both see the same machine load), and the table gives the
median fit time, the median peak memory and, for every checkout after the
first, the ratio of its median time to the first's.

The data: ``n`` instances of ``k`` Gaussian blobs in 8 dimensions, seen
through two nonlinear modalities (64-d and 32-d) with noise; a fraction
``--paired`` of the instances is one two-block row, the rest one
single-block row each (``skdm2c.datasets.make_incomplete``).  ARI is
printed so that a faster fit is seen not to be a worse one.

Run (the numbers quoted in ``RESULTS.md``)::

    git worktree add --detach /tmp/before <commit before the change>
    python benchmarks/bench_fit_scaling.py --code /tmp/before . \\
        --sizes 5000 20000 --clusters 10 50 --repeats 3
"""

import argparse
import json
import os
import subprocess
import sys

import numpy as np

_CHILD = r"""
import json, resource, sys, time, warnings
import numpy as np, torch
torch.set_num_threads(1)
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score
from skdm2c import DM2CClustering
from skdm2c.datasets import make_incomplete
n, k, paired = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
rng = np.random.RandomState(0)
Z, y = make_blobs(n_samples=n, centers=k, n_features=8, random_state=0)
A = np.tanh(Z @ rng.normal(size=(8, 64))) + 0.3 * rng.normal(size=(n, 64))
B = (Z @ rng.normal(size=(8, 32))) ** 2 / 10 + 0.3 * rng.normal(size=(n, 32))
data = make_incomplete([A, B], y, paired_fraction=paired, random_state=0)
start = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    model = DM2CClustering(n_clusters=k, random_state=0).fit(data.data)
print(json.dumps({"time": time.perf_counter() - start,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "ari": adjusted_rand_score(data.target, model.labels_)}))
"""


def fit_once(code, n, k, paired):
    """One fit in a subprocess that imports skdm2c from ``code``."""
    env = dict(os.environ, PYTHONPATH=os.path.abspath(code), OMP_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", _CHILD, str(n), str(k), str(paired)],
                         env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--code", nargs="+", default=["."],
                        help="checkouts to compare (the first is the baseline)")
    parser.add_argument("--sizes", nargs="+", type=int, default=[5000, 20000])
    parser.add_argument("--clusters", nargs="+", type=int, default=[10, 50])
    parser.add_argument("--paired", type=float, default=0.3)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1; got {args.repeats}.")
    lines = ["| n | k | checkout | fit time, s (median) | ratio to the first | "
             "peak memory, MB (median) | ARI |", "|---:|---:|---|---:|---:|---:|---:|"]
    for n in args.sizes:
        for k in args.clusters:
            runs = {code: [] for code in args.code}
            for _ in range(args.repeats):
                for code in args.code:
                    runs[code].append(fit_once(code, n, k, args.paired))
            base = np.median([r["time"] for r in runs[args.code[0]]])
            for code in args.code:
                t = np.median([r["time"] for r in runs[code]])
                mem = np.median([r["rss_mb"] for r in runs[code]])
                ari = np.median([r["ari"] for r in runs[code]])
                lines.append(f"| {n} | {k} | {code} | {t:.1f} | {t / base:.2f} | {mem:.0f} | "
                             f"{ari:.3f} |")
            print(lines[-1], flush=True)
    print(f"\nDM2C defaults, {args.paired:.0%} of the instances paired, one torch thread, "
          f"{args.repeats} repeats.\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
