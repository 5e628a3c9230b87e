"""Per-modality preprocessing chosen from the data alone.

:class:`ModalityPreprocessor` standardises dense real-valued blocks and sends
sparse, wide, non-negative blocks (term counts) through a tf-idf + latent
semantic analysis path; the output is packed data again, for
:class:`~skdm2c.DM2CClustering` or the stacked baselines alike.
"""

from ._preprocessor import DEFAULT_N_COMPONENTS, ModalityPreprocessor
from ._rules import suggest_method
from ._sparse import pack_sparse_modalities

__all__ = [
    "ModalityPreprocessor",
    "suggest_method",
    "pack_sparse_modalities",
    "DEFAULT_N_COMPONENTS",
]
