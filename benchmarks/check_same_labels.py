"""Do two checkouts give the same labels on the benchmark's rows?

For a change that should not move any label (a faster distance, a
refactor), this fits every ``--methods`` entry with its benchmark defaults
on the benchmark's training rows of every ``--datasets`` specification and
seed, once with each checkout (a subprocess that imports skdm2c from it,
one torch thread), and compares ``labels_`` and ``predict`` on the same
rows entry by entry.  Exit status 1 when any label differs.

Run (the check quoted in ``RESULTS.md``)::

    git worktree add --detach /tmp/before <commit before the change>
    python benchmarks/check_same_labels.py --code /tmp/before . --seeds 2
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

DEFAULT_SPECS = ["cub10:incomplete=0", "cub10:incomplete=0.1", "cub10:incomplete=0.5",
                 "cub10:aligned=0.5", "scene15[view1,view2]:incomplete=0.5",
                 "bbcsport:incomplete=0", "3sources:incomplete=0"]

_CHILD = r"""
import sys, warnings
import numpy as np, torch
torch.set_num_threads(1)
from skdm2c.benchmark import make_estimator, training_rows
from skdm2c.benchmark._methods import fair_preprocessor, stack_width
out, data_home, seeds = sys.argv[1], sys.argv[2] or None, int(sys.argv[3])
specs, methods = sys.argv[4].split(";"), sys.argv[5].split(";")
res = {}
for spec in specs:
    for seed in range(seeds):
        bunch, X, y, observed, k = training_rows(spec, seed, data_home)
        for name in methods:
            dims = fair_preprocessor(bunch.modality_dims).fit(X).modality_dims_out_
            width = stack_width(dims, observed.sum(0))  # the benchmark's stacking width
            est = make_estimator(name, k, seed, width, modality_dims=bunch.modality_dims)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                est.fit(X)
                final = est[-1] if hasattr(est, "steps") else est
                res[f"{spec} | seed {seed} | {name} | labels_"] = final.labels_
                res[f"{spec} | seed {seed} | {name} | predict"] = est.predict(X)
np.savez(out, **res)
"""


def labels_of(code, specs, methods, seeds, data_home, folder):
    """The labels of one checkout, as a dict ``{entry: labels}``."""
    out = os.path.join(folder, f"labels_{abs(hash(code))}.npz")
    env = dict(os.environ, PYTHONPATH=os.path.abspath(code), OMP_NUM_THREADS="1")
    subprocess.run([sys.executable, "-c", _CHILD, out, data_home or "", str(seeds),
                    ";".join(specs), ";".join(methods)], env=env, check=True)
    with np.load(out) as f:
        return {key: f[key] for key in f.files}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--code", nargs=2, required=True, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--datasets", nargs="+", default=DEFAULT_SPECS)
    parser.add_argument("--methods", nargs="+", default=["dm2c", "linear", "dcn"])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--data-home", default=os.environ.get("SKDM2C_DATA"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        before, after = (labels_of(code, args.datasets, args.methods, args.seeds,
                                   args.data_home, folder) for code in args.code)
    if before.keys() != after.keys():
        raise SystemExit("The two checkouts produced different entries.")
    differing = {key: int((before[key] != after[key]).sum()) for key in before}
    for key, count in differing.items():
        if count:
            print(f"DIFFERS: {key}: {count} of {len(before[key])} rows")
    n_rows = sum(len(v) for v in before.values())
    print(f"{len(before)} label arrays ({n_rows} labels), "
          f"{sum(differing.values())} labels differ.")
    return 1 if any(differing.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
