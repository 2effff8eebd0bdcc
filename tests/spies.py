"""Test helpers that record which training path a fit takes."""

from __future__ import annotations

from skdl._training import loop

# Epoch runners of ``skdl._training.loop`` and the engine each belongs to.
RUNNERS = {"TfEpoch": "compiled", "JaxEpoch": "compiled", "KerasEpoch": "keras"}


def spy_epoch_runners(monkeypatch) -> list[str]:
    """Record the engine ('compiled' or 'keras') of each epoch runner built."""
    used: list[str] = []
    for name, kind in RUNNERS.items():
        cls = getattr(loop, name)

        def make(*args, _cls=cls, _kind=kind, **kwargs):
            used.append(_kind)
            return _cls(*args, **kwargs)

        monkeypatch.setattr(loop, name, make)
    return used
