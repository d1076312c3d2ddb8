"""A pyabc sampler that simulates a generation's particles in rounds, side by side.

pyabc hands a sampler one function, ``simulate_one``, that proposes a
parameter set (from the prior, or by perturbing the last generation), runs
the model on it and judges the result; samplers call it until enough
particles are accepted. Batched models need many parameter sets at once,
so :class:`RoundSampler` calls it in rounds of two passes:

1. **propose**: with NumPy's global generator saved (pyabc draws every
   proposal, and the model draws its run seed, from it), call
   ``simulate_one`` ``k`` times; the model records each parameter set and
   seed and stops the call (:class:`RoundModel` raises ``Proposed``);
2. **simulate** the ``k`` sets together (``simulate_many``: batched models
   on a pool of processes);
3. **replay**: restore the generator and call ``simulate_one`` again; every
   call draws the same proposal and seed, and the model now returns the
   simulated result, so pyabc computes the distance and accepts or rejects
   as it would. Replay stops at the ``n``-th acceptance, leaving the
   generator where sampling one particle after the other would leave it.

With runs one model each (``batch`` 1) this gives exactly the particles of
pyabc's ``SingleCoreSampler``; with batched models the same proposals and
seeds, each run as a replica of a batched model. Either way the result
does not depend on the number of processes. A round's size follows the
acceptance rate seen so far, so that few simulated particles go unused.

Given a ``seed``, the sampler seeds NumPy's global generator at the start of
every generation from the seed and the generation's number
(:func:`generation_seed`). A generation then depends only on the seed, its
number and the generations before it (which pyabc reads back from its
database), not on how many generations this process has run: a calibration
stopped after generation 1 and continued gives the same particles as one run
without a stop.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pyabc

#: Particles per round at most (bounds the work past the last acceptance).
MAX_ROUND = 2_000


class Proposed(Exception):  # noqa: N818 (a signal, not an error)
    """Raised by the model in the propose pass: the parameter set is recorded."""


class RoundModel:
    """The model as pyabc calls it, in the three passes of a round (picklable).

    Args:
        draw: Turns pyabc's parameters into ``(values, seed)``, drawing the
            seed from NumPy's global generator.
        simulate: Simulates one ``(values, seed)`` (outside rounds).
    """

    def __init__(
        self,
        draw: Callable[[Mapping[str, Any]], tuple[dict[str, float], int]],
        simulate: Callable[[dict[str, float], int], dict[str, float]],
    ) -> None:
        self.draw = draw
        self.simulate = simulate
        self.proposed: list[tuple[dict[str, float], int]] | None = None
        self.results: list[dict[str, float]] | None = None
        self.proposed_before: list[tuple[dict[str, float], int]] = []
        self.replayed = 0

    def __call__(self, parameters: Mapping[str, Any]) -> dict[str, float]:
        """Record (propose pass), look up (replay) or simulate one parameter set."""
        request = self.draw(parameters)
        if self.proposed is not None:
            self.proposed.append(request)
            raise Proposed
        if self.results is not None:
            expected = self.proposed_before[self.replayed]
            if request != expected:
                raise RuntimeError(
                    f"replay drew {request}, the propose pass {expected}: something in "
                    "pyabc's proposal drew from a generator other than NumPy's global one"
                )
            result = self.results[self.replayed]
            self.replayed += 1
            return result
        return self.simulate(*request)


def generation_seed(seed: int, t: int) -> np.ndarray:
    """The state NumPy's global generator is seeded with for generation ``t``.

    ``t`` is pyabc's generation number (-1 for the calibration sample drawn
    from the prior before generation 0). The key is spread by NumPy's
    ``SeedSequence``, so neighbouring seeds and generations give unrelated
    streams.
    """
    return np.random.SeedSequence([int(seed) % 2**63, int(t) + 1]).generate_state(4)


class RoundSampler(pyabc.sampler.Sampler):
    """Samples in rounds: propose ``k`` particles, simulate them together, replay.

    Args:
        model: The :class:`RoundModel` given to ``pyabc.ABCSMC``.
        simulate_many: Simulates a list of ``(values, seed)`` and returns one
            result per request, in order.
        min_round: Particles per round at least (keeps every process busy).
        seed: Seed NumPy's global generator at the start of every generation
            with :func:`generation_seed` (``None``: leave it as it is).
    """

    def __init__(
        self,
        model: RoundModel,
        simulate_many: Callable[[Sequence[tuple[dict[str, float], int]]], list[dict]],
        min_round: int = 1,
        seed: int | None = None,
    ) -> None:
        super().__init__()
        self.model = model
        self.simulate_many = simulate_many
        self.min_round = max(1, int(min_round))
        self.seed = seed
        self.simulated_ = 0  # particles simulated, used or not (for the record)

    def sample_until_n_accepted(
        self,
        n: int,
        simulate_one: Callable[[], Any],
        t: int,
        *,
        max_eval: float = np.inf,
        all_accepted: bool = False,  # noqa: ARG002
        ana_vars: Any = None,  # noqa: ARG002
    ) -> Any:
        """Particles until ``n`` are accepted (or ``max_eval`` evaluated), in rounds."""
        if self.seed is not None:
            # pyabc draws every proposal (and the model its run seed) from this generator.
            np.random.seed(generation_seed(self.seed, t))
        sample = self._create_empty_sample()
        accepted = evaluated = 0
        while accepted < n and evaluated < max_eval:
            # Expected particles to the n-th acceptance at the rate seen so far
            # in this generation (all accepted until one is rejected).
            rate = (accepted + 1) / (evaluated + 1)
            k = math.ceil((n - accepted) / rate)
            k = int(min(MAX_ROUND, max(self.min_round, k), max_eval - evaluated))
            for particle in self._round(simulate_one, k):
                sample.append(particle)
                evaluated += 1
                accepted += bool(particle.accepted)
                if accepted >= n or evaluated >= max_eval:
                    break
            self._finish_replay()
        self.nr_evaluations_ = evaluated
        if accepted < n:
            sample.ok = False
        return sample

    def _round(self, simulate_one: Callable[[], Any], k: int):
        """Propose ``k`` particles, simulate them, then yield them replayed one by one."""
        state = np.random.get_state()
        self.model.proposed = []
        try:
            for _ in range(k):
                try:
                    simulate_one()
                except Proposed:
                    continue
                raise RuntimeError("pyabc did not call the model for a proposal")
            proposed = self.model.proposed
        finally:
            self.model.proposed = None
        results = self.simulate_many(proposed)
        self.simulated_ += len(proposed)
        np.random.set_state(state)
        self.model.proposed_before = proposed
        self.model.results = results
        self.model.replayed = 0
        for _ in range(k):
            yield simulate_one()

    def _finish_replay(self) -> None:
        """Leave replay mode (particles simulated past the last acceptance are dropped)."""
        self.model.results = None
        self.model.proposed_before = []
        self.model.replayed = 0
