"""How skdl trains a network: from a fit's data to compiled epochs and back.

One module per concern (see ``docs/how_skdl_trains.md``):

* :mod:`.data` -- what one fit trains on and how (``TrainingData``,
  ``TrainingPlan``, ``FitContext``) and the class-weight helper;
* :mod:`.loop` -- :func:`~.loop.train`, the epoch loop, and
  :func:`~.loop.decide_engine`, the one place that picks the engine;
* :mod:`.tf_epoch` / :mod:`.jax_epoch` -- a whole epoch as one compiled
  function, per backend;
* :mod:`.twins` -- the pool of training twins reused between fits;
* :mod:`.common` -- pieces both compiled epochs share;
* :mod:`.predict` -- network outputs in compiled chunks;
* :mod:`.keras_compat` -- every private Keras/TensorFlow name.

Nothing is imported here, so that importing one module stays cheap.
"""
