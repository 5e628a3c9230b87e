"""skdm2c: deep mixed-modal clustering as scikit-learn estimators.

Importing the package is light: torch and the estimators are imported on
first access of an estimator name (PEP 562 module ``__getattr__``).
"""

from ._modality import (
    PackedInstances,
    PackedModalities,
    check_mixed_modal,
    infer_modality_dims,
    observed_blocks,
    pack_instances,
    pack_modalities,
    row_modality,
    unpack_modalities,
)

__version__ = "0.1.0"

_LAZY = {
    "DM2CClustering": "skdm2c.dm2c._estimator",
    "ModalityStacker": "skdm2c.baselines._stacker",
    "IDEC": "skdm2c.baselines._idec",
    "DCN": "skdm2c.baselines._dcn",
    "DKM": "skdm2c.baselines._dkm",
    "IMSAT": "skdm2c.baselines._imsat",
    "DivergenceError": "skdm2c._core._training",
    "DegenerateClusteringWarning": "skdm2c._core._validation",
    "InputScaleWarning": "skdm2c._core._validation",
    "PairedCCAClustering": "skdm2c.linear._cca",
}

__all__ = [
    "PackedInstances",
    "PackedModalities",
    "check_mixed_modal",
    "infer_modality_dims",
    "observed_blocks",
    "pack_instances",
    "pack_modalities",
    "row_modality",
    "unpack_modalities",
    *_LAZY,
]


def __getattr__(name):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'skdm2c' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
