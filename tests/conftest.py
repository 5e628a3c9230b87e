"""Shared pytest configuration.

Registers the ``examples`` marker (gallery scripts and the documentation
build, see ``tests/test_examples.py``); deselect those slow tests with
``python -m pytest -m "not examples"``.

Torch runs on one thread in the tests: the networks are tiny, and on the
2-core CI machine two torch threads beside joblib/BLAS workers oversubscribe
the CPU (measured 10-20x slower fits).
"""

import torch

torch.set_num_threads(1)


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "examples: runs the gallery scripts or builds the documentation "
        "(slow; deselect with -m 'not examples')",
    )
