"""Benchmarks: skdl against raw Keras, scikeras and scikit-learn's MLP.

Run ``python -m benchmarks`` from the repository root (``--quick`` for a
smoke run, ``--only NAME`` for one workload). See ``docs/performance.md``.
"""
