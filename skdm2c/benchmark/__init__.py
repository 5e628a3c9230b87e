"""Benchmark of DM2C against its baselines: ``python -m skdm2c.benchmark``.

Methods x datasets x seeds, the paper's metrics on training rows
(``labels_``) and held-out rows (``predict``), fit time and peak memory,
run in parallel with joblib and cached per run.  See
``python -m skdm2c.benchmark --help`` and :func:`main`.
"""

from ._methods import DEFAULT_METHODS, METHODS, make_estimator, stack_width
from ._report import (
    markdown_report,
    markdown_table,
    plot_latent,
    plot_scores,
    runs_frame,
    summarize,
)
from ._runner import SYNTHETIC, load_benchmark_data, run_benchmark, run_one

__all__ = [
    "DEFAULT_METHODS",
    "METHODS",
    "SYNTHETIC",
    "load_benchmark_data",
    "main",
    "make_estimator",
    "markdown_report",
    "markdown_table",
    "plot_latent",
    "plot_scores",
    "run_benchmark",
    "run_one",
    "runs_frame",
    "stack_width",
    "summarize",
]


def main(argv=None):
    """Entry point of ``python -m skdm2c.benchmark`` (see ``--help``)."""
    from .__main__ import main as _main

    return _main(argv)
