"""The command line shared by the measurement scripts that run per data set and seed.

Each such script computes some JSON-able records for one data-set
specification and seed, appends them to ``--out`` (one JSON line each) and
prints a Markdown summary; ``--from-results FILE`` prints the summary of an
earlier ``--out`` file without fitting anything.  The scripts import this
module as ``_per_seed`` (they run as ``python benchmarks/NAME.py``, so their
folder is on the path).
"""

import argparse
import json
import os


def script_parser(doc, default_specs, default_seeds, *, jsonl=True):
    """Parser with ``--datasets``, ``--seeds``, ``--data-home`` and, with ``jsonl``,
    ``--out`` and ``--from-results``; its description is the first paragraph of ``doc``."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", default=default_specs)
    parser.add_argument("--seeds", type=int, default=default_seeds)
    parser.add_argument("--data-home", default=os.environ.get("SKDM2C_DATA"))
    if jsonl:
        parser.add_argument("--out", default=None)
        parser.add_argument("--from-results", default=None,
                            help="only print the table of an earlier --out file")
    return parser


def print_from_results(args, summary):
    """With ``--from-results``, print ``summary`` of that file's records and return True."""
    if not args.from_results:
        return False
    with open(args.from_results) as fh:
        print(summary([json.loads(line) for line in fh if line.strip()]))
    return True


def run_per_seed(args, records_of, summary, progress):
    """For every ``--datasets`` entry and seed: ``records_of(spec, seed)`` (a list of
    dicts), appended to ``--out`` as they come, then ``progress(spec, seed, records)``
    printed; finally ``summary`` of all records.  One torch thread."""
    import torch

    torch.set_num_threads(1)
    records = []
    for spec in args.datasets:
        for seed in range(args.seeds):
            new = records_of(spec, seed)
            records.extend(new)
            if args.out:
                with open(args.out, "a") as fh:
                    fh.writelines(json.dumps(r) + "\n" for r in new)
            print(progress(spec, seed, new), flush=True)
    print(summary(records))
    return records


def main_with_draws(argv, doc, default_specs, default_seeds, *, draws, min_draws, records_of,
                    summary, progress, options=()):
    """The ``main`` of a script that redraws a step ``--draws`` times per seed.

    Parses ``argv`` with :func:`script_parser`, ``--draws`` (default ``draws``, at
    least ``min_draws``) and ``options`` (``(flags, keywords)`` pairs for
    ``add_argument``); with ``--from-results`` prints the summary only; otherwise
    runs :func:`run_per_seed` with ``records_of(args, spec, seed)`` and
    ``progress(args, spec, seed, records)``, and returns the records.
    """
    parser = script_parser(doc, default_specs, default_seeds)
    parser.add_argument("--draws", type=int, default=draws)
    for flags, keywords in options:
        parser.add_argument(*flags, **keywords)
    args = parser.parse_args(argv)
    if print_from_results(args, summary):
        return None
    if args.draws < min_draws:
        parser.error(f"--draws must be at least {min_draws}; got {args.draws}.")
    return run_per_seed(args, lambda spec, seed: records_of(args, spec, seed), summary,
                        lambda spec, seed, new: progress(args, spec, seed, new))
