"""Benchmark of DM2C against its baselines: ``python -m skdm2c.benchmark``.

Methods x data-set specifications x seeds, the paper's metrics on training
rows (``labels_``) and held-out rows (``predict``) -- or on all rows under
the incomplete / aligned protocols of the paired-fraction sweep -- fit time
and peak memory, run in parallel with joblib and cached per run.  Every
method gets the same per-modality preprocessing (``fair_preprocessor``).
See ``python -m skdm2c.benchmark --help`` and :func:`main`.
"""

from ._anchors import ANCHORS, anchors_markdown
from ._methods import DEFAULT_METHODS, METHODS, fair_preprocessor, make_estimator, stack_width
from ._report import (
    markdown_report,
    markdown_table,
    plot_latent,
    plot_scores,
    runs_frame,
    summarize,
)
from ._runner import load_benchmark_data, run_benchmark, run_one, training_rows
from ._specs import SYNTHETIC, DataSpec, parse_spec, sweep_specs
from ._sweep import plot_sweep, sweep_markdown, sweep_summary

__all__ = [
    "ANCHORS",
    "DataSpec",
    "DEFAULT_METHODS",
    "METHODS",
    "SYNTHETIC",
    "anchors_markdown",
    "fair_preprocessor",
    "load_benchmark_data",
    "main",
    "make_estimator",
    "markdown_report",
    "markdown_table",
    "parse_spec",
    "plot_latent",
    "plot_scores",
    "plot_sweep",
    "run_benchmark",
    "run_one",
    "runs_frame",
    "stack_width",
    "summarize",
    "sweep_markdown",
    "sweep_specs",
    "sweep_summary",
    "training_rows",
]


def main(argv=None):
    """Entry point of ``python -m skdm2c.benchmark`` (see ``--help``)."""
    from .__main__ import main as _main

    return _main(argv)
