"""Shared training core of every deep estimator (private).

``_device``   device resolution and local random generators,
``_nets``     MLP / autoencoder builders with generator-driven initialisation,
``_training`` the epoch loop, loss records, divergence checks, batched inference,
``_base``     the scikit-learn base class of the single-modality deep clusterers.
"""
