"""Linear reference estimators for partially paired mixed-modal data.

:class:`PairedCCAClustering` -- standardise + PCA per modality, regularised
CCA on the rows that observe several modalities, mean code, k-means.
"""

from ._cca import PairedCCAClustering, paired_cca_codes

__all__ = ["PairedCCAClustering", "paired_cca_codes"]
