"""Single-modality clustering baselines of the DM2C paper.

:class:`ModalityStacker` reduces each modality of packed mixed-modal data to
a common width (the paper's protocol); the deep clusterers :class:`IDEC`,
:class:`DCN`, :class:`DKM` and :class:`IMSAT` then cluster the stacked rows,
for instance in a :class:`~sklearn.pipeline.Pipeline`.

The estimators are imported on first access (PEP 562), so importing one
submodule does not import the others.
"""

import importlib

_LAZY = {
    "ModalityStacker": "._stacker",
    "IDEC": "._idec",
    "DCN": "._dcn",
    "DKM": "._dkm",
    "IMSAT": "._imsat",
}

__all__ = list(_LAZY)


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
