"""Repeats of a recipe train together in lockstep, with the results of one by one."""

import pytest

from seqlab.recipes import _lockstep, run
from seqlab.train.batched import BatchedTrainer


def _quiet(_line):
    return None


@pytest.mark.parametrize("name", ["alphabet-window-timesteps", "alphabet-stateful"])
def test_repeats_in_lockstep_match_repeats_one_by_one(name, monkeypatch):
    groups = []
    original = BatchedTrainer.fit

    def spy(self, *args, **kwargs):
        groups.append(self.members)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(BatchedTrainer, "fit", spy)
    together = run(name, repeats=3, seed=4, quick=True, epochs=3, echo=_quiet)
    assert groups and set(groups) == {3}  # every fit of the three repeats trained as one
    batched_fits = len(groups)
    alone = run(name, repeats=3, seed=4, quick=True, epochs=3, echo=_quiet, sequential=True)
    assert len(groups) == batched_fits  # nothing batched when sequential
    for ours, theirs in zip(together.outcomes, alone.outcomes, strict=True):
        assert ours.value == pytest.approx(theirs.value, abs=1e-6)
        assert len(ours.histories) == len(theirs.histories)
        for a, b in zip(ours.histories, theirs.histories, strict=True):
            assert a["loss"] == pytest.approx(b["loss"], rel=1e-5)


def test_repeats_evaluate_together_with_the_scores_of_one_by_one(monkeypatch):
    import numpy as np

    from seqlab.models import ModelSpec, build
    from seqlab.train import Trainer

    scored = []
    original = BatchedTrainer.evaluate

    def spy(self, *args, **kwargs):
        scored.append(self.members)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(BatchedTrainer, "evaluate", spy)
    spec = ModelSpec(1, 1, units=[4])
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 9, 5, 1)).astype(np.float32)  # one test set per repeat
    y = x.sum(2) * 0.2
    lockstep = _lockstep.Lockstep()

    def job(k):
        def run_one():
            trainer = _lockstep.GatheredTrainer(build(spec, seed=k), lockstep=lockstep,
                                                index=k, seed=k)
            return trainer, trainer.evaluate(x[k], y[k], batch_size=4)
        return run_one

    results = lockstep.run([job(k) for k in range(3)])
    assert scored == [3]  # the three evaluations ran as one
    for k, (trainer, scores) in enumerate(results):
        alone = Trainer.evaluate(trainer, x[k], y[k], batch_size=4)
        assert scores == pytest.approx(alone, rel=1e-5)


def test_a_repeat_that_fails_raises_after_the_others_end():
    lockstep = _lockstep.Lockstep()
    ended = []

    def ok():
        ended.append(1)
        return 1

    def bad():
        raise ValueError("seed 1 failed")

    with pytest.raises(ValueError, match="seed 1"):
        lockstep.run([ok, bad, ok])
    assert ended == [1, 1]
