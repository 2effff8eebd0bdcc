"""Search the number of epochs with one fit per candidate and fold.

``GridSearchCV(net, {"max_iter": [10, 20, 40, 80]})`` trains the same network
four times per fold, each time from scratch. A fit with ``max_iter=k`` runs
exactly the first ``k`` epochs of a longer fit (same initial weights, same
shuffles, same learning-rate updates, same early-stopping split), so one fit
to the largest count, with the weights recorded after each listed count,
gives every shorter fit's result. :class:`EpochSearchCV` does that and
reports the results as the equivalent ``GridSearchCV`` would.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from itertools import product
from numbers import Integral
from traceback import format_exc
from typing import Any

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.metrics._scorer import _MultimetricScorer
from sklearn.model_selection import ParameterGrid, check_cv
from sklearn.model_selection._search import BaseSearchCV
from sklearn.model_selection._validation import (
    _insert_error_scores,
    _score,
    _warn_or_raise_about_fit_failures,
)
from sklearn.pipeline import Pipeline
from sklearn.utils import indexable
from sklearn.utils.metaestimators import _safe_split
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import _check_method_params, _num_samples

from .._sklearn_callbacks import SearchTasks, evaluation, with_callbacks
from .._training.epoch_hooks import SNAPSHOTS_ATTRIBUTE, EpochSnapshots

__all__ = ["EpochSearchCV"]


class EpochSearchCV(BaseSearchCV):
    """Grid search over parameters and the number of epochs, one fit per epoch list.

    Equivalent to ``GridSearchCV(estimator, {**param_grid, "max_iter":
    epochs})``, with the same ``cv_results_`` (same rows, in the same order,
    with the same scores), but each parameter setting is trained once per
    fold, to the largest number of epochs, and scored after each listed
    number of epochs. With ``epochs=[10, 20, 40, 80]`` that is 80 epochs of
    training per fold instead of 150.

    A fit of ``k`` epochs is exactly the start of a longer fit with the same
    ``random_state``: same initial weights, same shuffled batches, same
    learning-rate updates and same early-stopping split. With
    ``early_stopping=True`` the score at ``k`` epochs is that of the best
    weights of the first ``k`` epochs, which a ``k``-epoch fit ends with;
    when training stops before ``k`` epochs (no improvement), the score is
    that of the stopped fit, as for a ``k``-epoch fit. Learning-rate
    schedules that depend on the number of epochs requested (a Keras schedule
    or callback built from ``max_iter`` by the user) are the exception: such
    a fit is not the start of a longer one.

    Parameters
    ----------
    estimator : estimator object
        An skdl network (:class:`~skdl.MLPClassifier`,
        :class:`~skdl.KerasClassifier`...) or a
        :class:`~sklearn.pipeline.Pipeline` whose last step is one. Its
        epoch-count parameter (``max_iter``, or ``epochs`` for the Keras
        wrappers) is what ``epochs`` sets.
    param_grid : dict or list of dicts
        The other parameters to search, as for
        :class:`~sklearn.model_selection.GridSearchCV`; must not contain the
        epoch-count parameter.
    epochs : sequence of int
        Numbers of epochs to score each setting at (at least one, each 1
        or more). Each setting is trained to ``max(epochs)``.
    scoring : str, callable, list, tuple or dict, default=None
        As for :class:`~sklearn.model_selection.GridSearchCV`.
    n_jobs : int, default=None
        Fits run in parallel (one per setting and fold).
    refit : bool, str or callable, default=True
        Refit the best setting, with its best number of epochs, on the
        whole data (as for ``GridSearchCV``).
    cv : int, cross-validation generator or iterable, default=None
        As for :class:`~sklearn.model_selection.GridSearchCV`.
    verbose : int, default=0
        Print a line per fit when positive.
    pre_dispatch : int or str, default='2*n_jobs'
        As for :class:`~sklearn.model_selection.GridSearchCV`.
    error_score : 'raise' or float, default=np.nan
        Score of every epoch count of a fit that fails.
    return_train_score : bool, default=False
        Also score on the training folds at each epoch count.

    Attributes
    ----------
    cv_results_ : dict of numpy (masked) ndarrays
        One row per (setting, number of epochs), the epoch-count parameter
        among the ``params``, as ``GridSearchCV`` reports it. ``fit_time``
        is the time from the start of the fit to the end of that epoch.
    best_estimator_ : estimator
        The best setting refit on the whole data with ``best_epoch_``
        epochs (when ``refit`` is not False).
    best_params_ : dict
        The best setting, the number of epochs included.
    best_epoch_ : int
        The best number of epochs.
    best_score_ : float
        Mean cross-validated score of the best setting.
    best_index_ : int
        Row of the best setting in ``cv_results_``.
    scorer_ : function or dict
        The scorer(s) used.
    n_splits_ : int
        Number of cross-validation splits.
    refit_time_ : float
        Seconds taken to refit the best setting.
    multimetric_ : bool
        Whether several scorers were used.

    See Also
    --------
    sklearn.model_selection.GridSearchCV : The search this one reproduces.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skdl import MLPClassifier
    >>> from skdl.model_selection import EpochSearchCV
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> search = EpochSearchCV(
    ...     MLPClassifier(batch_size=64, random_state=0),
    ...     {"hidden_layer_sizes": [(8,)]},
    ...     epochs=[2, 4],
    ...     cv=2,
    ... ).fit(X, y)
    >>> [p["max_iter"] for p in search.cv_results_["params"]]
    [2, 4]
    >>> search.best_epoch_ in (2, 4)
    True
    """

    _parameter_constraints: dict = {
        **BaseSearchCV._parameter_constraints,
        "param_grid": [dict, list],
        "epochs": ["array-like"],
    }

    def __init__(
        self,
        estimator,
        param_grid,
        *,
        epochs,
        scoring=None,
        n_jobs=None,
        refit=True,
        cv=None,
        verbose=0,
        pre_dispatch="2*n_jobs",
        error_score=np.nan,
        return_train_score=False,
    ):
        super().__init__(
            estimator=estimator,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            cv=cv,
            verbose=verbose,
            pre_dispatch=pre_dispatch,
            error_score=error_score,
            return_train_score=return_train_score,
        )
        self.param_grid = param_grid
        self.epochs = epochs

    def _run_search(self, evaluate_candidates, *, callback_ctx=None):
        # Not used: ``fit`` evaluates all candidates itself, one fit per
        # setting and fold.
        raise NotImplementedError  # pragma: no cover

    @with_callbacks
    def fit(self, X, y=None, **params):
        """Train every setting once per fold and score it at each epoch count.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Targets.
        **params : dict
            Parameters passed to the estimator's ``fit``, the scorer and the
            splitter, as for ``GridSearchCV``.

        Returns
        -------
        self : EpochSearchCV
            The fitted search.
        """
        self._validate_params()
        epochs = _check_epochs(self.epochs)
        key = _network_prefix(self.estimator) + _epoch_param(self.estimator)
        candidates, groups, slots = epoch_candidates(self.param_grid, key, epochs)
        _check_one_phase(self.estimator, groups)
        scorers, refit_metric = self._get_scorers()
        X, y = indexable(X, y)
        params = _check_method_params(X, params=params)
        routed = self._get_routed_params_for_fit(params)
        tasks = SearchTasks(self, X, y, params.get("sample_weight"))
        cv = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        splits = list(cv.split(X, y, **routed.splitter.split))
        self.n_splits_ = len(splits)
        base = clone(self.estimator)
        jobs = [
            dict(parameters=group, train=train, test=test)
            for group, (train, test) in product(groups, splits)
        ]
        fit_kwargs = dict(
            key=key,
            epochs=epochs,
            scorer=scorers,
            fit_params=routed.estimator.fit,
            score_params=routed.scorer.score,
            return_train_score=self.return_train_score,
            error_score=self.error_score,
        )
        results = self._run_fits(base, X, y, jobs, fit_kwargs, tasks)
        out = _reorder(results, slots, len(splits))
        self._store_results(candidates, out, refit_metric, key)
        if self.refit:
            self._refit(base, X, y, routed.estimator.fit, tasks)
        self.scorer_ = (
            scorers._scorers if isinstance(scorers, _MultimetricScorer) else scorers
        )
        tasks.end()
        return self

    def _run_fits(self, base, X, y, jobs, fit_kwargs, tasks) -> list:
        """One fit per (setting, split), in parallel; their per-epoch results."""
        if self.verbose > 0:
            n_epochs = len(fit_kwargs["epochs"])
            print(f"Fitting {len(jobs)} networks, each scored at {n_epochs} epochs")
        contexts = tasks.evaluations(len(jobs))
        parallel = Parallel(n_jobs=self.n_jobs, pre_dispatch=self.pre_dispatch)
        results = parallel(
            delayed(_fit_and_score_epochs)(
                clone(base), X, y, **job, **fit_kwargs, context=context, caller=self
            )
            for job, context in zip(jobs, contexts, strict=True)
        )
        tasks.end_evaluations()
        return results

    def _store_results(self, candidates, out, refit_metric, key: str) -> None:
        _warn_or_raise_about_fit_failures(out, self.error_score)
        if callable(self.scoring):
            _insert_error_scores(out, self.error_score)
        self.cv_results_ = self._format_results(candidates, self.n_splits_, out)
        self.multimetric_ = isinstance(out[0]["test_scores"], dict)
        if callable(self.scoring) and self.multimetric_:
            self._check_refit_for_multimetric(out[0]["test_scores"])
            refit_metric = self.refit
        self._select_best(refit_metric, key)

    def _select_best(self, refit_metric, key: str) -> None:
        if not (self.refit or not self.multimetric_):
            return
        results = self.cv_results_
        self.best_index_ = self._select_best_index(self.refit, refit_metric, results)
        if not callable(self.refit):
            self.best_score_ = results[f"mean_test_{refit_metric}"][self.best_index_]
        self.best_params_ = results["params"][self.best_index_]
        self.best_epoch_ = self.best_params_[key]

    def _refit(self, base, X, y, fit_params, tasks) -> None:
        self.best_estimator_ = clone(base).set_params(
            **clone(self.best_params_, safe=False)
        )
        start = time.time()
        with tasks.refit(self.best_estimator_):
            if y is None:
                self.best_estimator_.fit(X, **fit_params)
            else:
                self.best_estimator_.fit(X, y, **fit_params)
        self.refit_time_ = time.time() - start
        if hasattr(self.best_estimator_, "feature_names_in_"):
            self.feature_names_in_ = self.best_estimator_.feature_names_in_


# -- candidates ------------------------------------------------------------------
def epoch_candidates(param_grid, key: str, epochs: list) -> tuple[list, list, list]:
    """The candidates of ``GridSearchCV(param_grid + {key: epochs})``, grouped.

    Returns ``(candidates, groups, slots)``: the candidate dicts in the order
    ``GridSearchCV`` evaluates them, the distinct settings without ``key``
    (one fit each per fold), and for each candidate its ``(group, epoch
    position)``. The order comes from :class:`~sklearn.model_selection.
    ParameterGrid` itself, run on the positions of the values.
    """
    ParameterGrid(param_grid)  # the same errors as GridSearchCV for bad grids
    grids = [param_grid] if isinstance(param_grid, Mapping) else list(param_grid)
    candidates, groups, slots = [], [], []
    for grid in grids:
        if key in grid:
            raise ValueError(
                f"param_grid must not contain {key!r}: EpochSearchCV sets it "
                f"from `epochs` ({epochs}). Move its values to `epochs`."
            )
        positions = {k: list(range(len(v))) for k, v in grid.items()}
        positions[key] = list(range(len(epochs)))
        seen: dict[tuple, int] = {}
        for index in ParameterGrid(positions):
            setting = tuple((k, i) for k, i in index.items() if k != key)
            if setting not in seen:
                seen[setting] = len(groups)
                groups.append({k: grid[k][i] for k, i in setting})
            candidates.append(
                {k: epochs[i] if k == key else grid[k][i] for k, i in index.items()}
            )
            slots.append((seen[setting], index[key]))
    return candidates, groups, slots


def _check_epochs(epochs) -> list:
    values = list(epochs) if isinstance(epochs, Sequence | np.ndarray) else None
    if not values or not all(
        isinstance(k, Integral) and not isinstance(k, bool) and k >= 1 for k in values
    ):
        raise ValueError(
            "The 'epochs' parameter must be a non-empty sequence of positive "
            f"ints (numbers of epochs to score at); got {epochs!r}."
        )
    return values


def _check_one_phase(estimator, groups: list) -> None:
    """Refuse settings whose fit trains a second phase after the epochs."""
    for group in groups:
        network = _final_network(clone(estimator).set_params(**group))
        params = network.get_params(deep=False)
        if params.get("backbone") is not None and params.get("fine_tune_epochs"):
            raise ValueError(
                "EpochSearchCV cannot score fits that fine-tune a backbone "
                f"(fine_tune_epochs={params['fine_tune_epochs']}): the "
                "fine-tuning phase follows the last epoch, so a shorter fit "
                "is not the start of a longer one. Search with "
                "fine_tune_epochs=0, or use GridSearchCV."
            )


def _final_network(estimator):
    """The skdl network ``estimator`` trains: itself or its last Pipeline step."""
    from ..base import BaseKerasEstimator

    while isinstance(estimator, Pipeline):
        estimator = estimator.steps[-1][1]
    if not isinstance(estimator, BaseKerasEstimator):
        raise TypeError(
            "EpochSearchCV needs an skdl network (e.g. skdl.MLPClassifier) or "
            "a Pipeline whose last step is one; got "
            f"{type(estimator).__name__}. For other estimators use "
            "sklearn.model_selection.GridSearchCV."
        )
    return estimator


def _network_prefix(estimator) -> str:
    """``'step__'`` prefixes leading to the network's parameters."""
    prefix = ""
    while isinstance(estimator, Pipeline):
        name, estimator = estimator.steps[-1]
        prefix += f"{name}__"
    return prefix


def _epoch_param(estimator) -> str:
    """The network's epoch-count parameter: ``max_iter`` or ``epochs``."""
    names = _final_network(estimator).get_params(deep=False)
    return "max_iter" if "max_iter" in names else "epochs"


def _reorder(results: list, slots: list, n_splits: int) -> list:
    """Per-(candidate, split) results in ``GridSearchCV``'s order."""
    out = []
    for group, position in slots:
        for split in range(n_splits):
            out.append(results[group * n_splits + split][position])
    return out


# -- one fit, scored at several epoch counts ---------------------------------------
def _fit_and_score_epochs(
    estimator,
    X,
    y,
    *,
    train,
    test,
    parameters: dict,
    key: str,
    epochs: list,
    scorer,
    fit_params,
    score_params,
    return_train_score: bool,
    error_score,
    context=None,
    caller=None,
) -> list[dict[str, Any]]:
    """Fit to ``max(epochs)`` epochs; one result dict per entry of ``epochs``."""
    fit_params = _check_method_params(X, params=fit_params or {}, indices=train)
    score_params = score_params or {}
    score_train = _check_method_params(X, params=score_params, indices=train)
    score_test = _check_method_params(X, params=score_params, indices=test)
    estimator = estimator.set_params(
        **clone(parameters, safe=False), **{key: max(epochs)}
    )
    network = _final_network(estimator)
    X_train, y_train = _safe_split(estimator, X, y, train)
    X_test, y_test = _safe_split(estimator, X, y, test, train)
    test_data = (X_test, y_test, score_test)
    snapshots = EpochSnapshots(epochs)
    setattr(network, SNAPSHOTS_ATTRIBUTE, snapshots)
    weights = fit_params.get("sample_weight")
    metadata = None if weights is None else {"sample_weight": weights}
    try:
        with evaluation(context, caller, estimator, X_train, y_train, metadata):
            if y_train is None:
                estimator.fit(X_train, **fit_params)
            else:
                estimator.fit(X_train, y_train, **fit_params)
    except Exception:
        if error_score == "raise":
            raise
        elapsed = time.perf_counter() - snapshots.start
        failed = _failed(scorer, error_score, return_train_score, elapsed)
        failed["n_test_samples"] = _num_samples(X_test)
        return [dict(failed) for _ in epochs]
    finally:
        network.__dict__.pop(SNAPSHOTS_ATTRIBUTE, None)
    total = time.perf_counter() - snapshots.start
    final = network.model_.get_weights()
    for k in epochs:
        # A fit that stopped before k epochs ends as this one did.
        snapshots.weights.setdefault(k, final)
    train_data = (X_train, y_train, score_train) if return_train_score else None
    return [
        _score_at(
            k,
            estimator,
            network,
            snapshots,
            total,
            scorer,
            error_score,
            test_data,
            train_data,
        )
        for k in epochs
    ]


def _score_at(
    k, estimator, network, snapshots, total, scorer, error_score, test, train
) -> dict[str, Any]:
    """The result of a ``k``-epoch fit, from the weights recorded at ``k``."""
    network.model_.set_weights(snapshots.weights[k])
    start = time.perf_counter()
    X_test, y_test, score_test = test
    result = {
        "fit_error": None,
        "test_scores": _score(
            estimator, X_test, y_test, scorer, score_test, error_score
        ),
        "n_test_samples": _num_samples(X_test),
        "fit_time": snapshots.times.get(k, total),
    }
    result["score_time"] = time.perf_counter() - start
    if train is not None:
        X_train, y_train, score_train = train
        result["train_scores"] = _score(
            estimator, X_train, y_train, scorer, score_train, error_score
        )
    return result


def _failed(scorer, error_score, return_train_score: bool, elapsed: float) -> dict:
    if isinstance(scorer, _MultimetricScorer):
        scores: Any = {name: error_score for name in scorer._scorers}
    else:
        scores = error_score
    result = {
        "fit_error": format_exc(),
        "test_scores": scores,
        "fit_time": elapsed,
        "score_time": 0.0,
    }
    if return_train_score:
        result["train_scores"] = scores
    return result
