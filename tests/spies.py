"""Test helpers that record which training path a fit takes."""

from __future__ import annotations

from skdl import _engine

# Epoch runners of ``skdl._engine`` and the engine each belongs to.
RUNNERS = {"_CompiledEpoch": "compiled", "JaxEpoch": "compiled", "_KerasEpoch": "keras"}


def spy_epoch_runners(monkeypatch) -> list[str]:
    """Record the engine ('compiled' or 'keras') of each epoch runner built."""
    used: list[str] = []
    for name, kind in RUNNERS.items():
        cls = getattr(_engine, name)

        def make(*args, _cls=cls, _kind=kind, **kwargs):
            used.append(_kind)
            return _cls(*args, **kwargs)

        monkeypatch.setattr(_engine, name, make)
    return used
