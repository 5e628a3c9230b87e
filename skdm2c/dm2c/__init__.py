"""DM2C: Deep Mixed-Modal Clustering (Jiang et al., NeurIPS 2019), extended to known pairs.

``_estimator``  the scikit-learn estimator :class:`DM2CClustering` (thin),
``_docs``       its docstring,
``_network``    per-modality autoencoders, latent translators, critics and losses,
``_training``   the joint phase (generator / critic steps) on the shared epoch loop,
``_procrustes`` optional Procrustes refinement of orthogonal translators,
``_assign``     the final cluster assignment (joint or matched k-means).
"""

__all__ = ["DM2CClustering"]


def __getattr__(name):
    if name == "DM2CClustering":
        from ._estimator import DM2CClustering

        globals()[name] = DM2CClustering
        return DM2CClustering
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
