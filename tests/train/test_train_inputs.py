"""What `Trainer.fit` reads: arrays (integer ones converted batch by batch, memory maps
included), DataLoaders and other iterables of (x, y) batches."""

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from seqlab.errors import ValidationError
from seqlab.models import ModelSpec, build
from seqlab.train import Trainer
from seqlab.train.inputs import HostColumn

rng = np.random.default_rng(3)
FRAMES = rng.integers(0, 256, size=(64, 5, 3), dtype=np.uint8)
TARGET = (FRAMES.astype(np.float32).mean(axis=(1, 2)) / 255)[:, None]


def _regressor(seed=0):
    return Trainer(build(ModelSpec(3, 1, units=[8]), seed=seed), lr=1e-2, seed=seed,
                   device="cpu")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_uint8_inputs_train_exactly_as_their_float32_copy(seed):
    as_bytes, as_floats = _regressor(seed), _regressor(seed)
    as_bytes.fit(FRAMES, TARGET, epochs=2, batch_size=16, verbose=0)
    as_floats.fit(FRAMES.astype(np.float32), TARGET, epochs=2, batch_size=16, verbose=0)
    for name, tensor in as_floats.model.state_dict().items():
        assert torch.equal(tensor, as_bytes.model.state_dict()[name])


def test_integer_inputs_stay_on_the_host_until_batched():
    trainer = _regressor()
    column = trainer._inputs(FRAMES, "x")
    assert isinstance(column, HostColumn) and column.array is FRAMES  # no whole-array copy
    batch = column[np.array([3, 1])]
    assert batch.dtype == torch.float32 and torch.equal(batch, torch.tensor(
        FRAMES[[3, 1]], dtype=torch.float32))


def test_ids_in_a_memory_map_are_checked_batch_by_batch(tmp_path):
    ids = np.memmap(tmp_path / "ids.bin", dtype=np.uint8, mode="w+", shape=(40, 6))
    ids[:] = rng.integers(0, 10, size=(40, 6))
    ids[37, 2] = 200  # beyond the vocabulary
    ids.flush()
    mapped = np.memmap(tmp_path / "ids.bin", dtype=np.uint8, mode="r", shape=(40, 6))
    spec = ModelSpec(10, 10, task="multiclass", units=[8], return_sequences=True,
                     frontend="embedding", embedding_dim=4)
    trainer = Trainer(build(spec, seed=0), device="cpu")
    with pytest.raises(ValidationError, match=r"ids outside \[0, 10\).*max 200"):
        trainer.fit(mapped, np.asarray(mapped) % 10, epochs=1, batch_size=8, shuffle=False,
                    verbose=0)


@pytest.mark.parametrize("seed", [0, 1])
def test_a_dataloader_trains_as_the_same_batches_from_arrays(seed):
    x = rng.normal(size=(48, 5, 3)).astype(np.float32)
    y = x.sum(axis=(1, 2))[:, None]
    from_arrays, from_loader = _regressor(seed), _regressor(seed)
    from_arrays.fit(x, y, epochs=3, batch_size=12, shuffle=False, verbose=0)
    loader = DataLoader(TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=12)
    history = from_loader.fit(loader, epochs=3, verbose=0)
    assert len(history) == 3
    assert history["loss"] == pytest.approx(from_arrays.history_["loss"], rel=1e-6)
    assert from_loader.evaluate(x, y)["loss"] == pytest.approx(
        from_arrays.evaluate(x, y)["loss"], rel=1e-6)


def test_a_generator_feeds_one_epoch_and_bad_batches_are_named():
    trainer = _regressor()
    pairs = [(FRAMES[i:i + 8], TARGET[i:i + 8]) for i in range(0, 64, 8)]
    history = trainer.fit((pair for pair in pairs), epochs=1, verbose=0)
    assert np.isfinite(history["loss"][0])
    with pytest.raises(ValidationError, match="one-shot iterator"):
        trainer.fit((pair for pair in pairs), epochs=2, verbose=0)
    with pytest.raises(ValidationError, match="leave `y`"):
        trainer.fit(pairs, TARGET, verbose=0)
    with pytest.raises(ValidationError, match="Batch 1 .* must be an \\(x, y\\) pair"):
        trainer.fit(iter([pairs[0], FRAMES[:8]]), verbose=0)
    bad = FRAMES[:8].astype(np.float32)
    bad[2, 1, 0] = np.nan
    with pytest.raises(ValidationError, match="x of batch 1"):
        trainer.fit([pairs[0], (bad, TARGET[:8])], verbose=0)


@pytest.mark.parametrize("task, outputs, bad, message", [
    ("multiclass", 3, 5, r"`y` holds the class id 5, but the model has 3 classes: ids run "
                         r"from 0 to 2\."),
    ("multiclass", 3, -1, r"the class id -1, but the model has 3 classes"),
    ("multiclass", 3, 2.5, r"the class id 2\.5; class ids are whole numbers from 0 to 2\."),
    ("binary", 1, 2.0, r"`y` holds 2\.0; a binary task's targets are 0 or 1"),
    ("binary", 1, -1.0, r"`y` holds -1\.0; a binary task's targets"),
])
def test_targets_outside_the_tasks_range_are_refused_before_training(task, outputs, bad,
                                                                      message):
    # An id past the classes was torch's IndexError 'Target 5 is out of bounds' mid-epoch;
    # 2.5 was cast to class 2, and binary targets of 2 or -1 trained without a word.
    from seqlab.train.batched import BatchedTrainer

    x = rng.normal(size=(12, 4, 2)).astype(np.float32)
    y = np.r_[np.zeros(11, dtype=type(bad)), bad]
    spec = ModelSpec(2, outputs, units=[4], task=task)
    with pytest.raises(ValidationError, match=message):
        Trainer(build(spec, seed=0)).fit(x, y, epochs=1, verbose=0)
    with pytest.raises(ValidationError, match=message):
        BatchedTrainer(spec, [0, 1]).fit(x, y, epochs=1)


def test_targets_in_range_still_train():
    x = rng.normal(size=(12, 4, 2)).astype(np.float32)
    ids = np.arange(12) % 3
    for y in (ids, ids.astype(float), np.eye(3)[ids]):  # ids, whole floats, one-hot rows
        Trainer(build(ModelSpec(2, 3, units=[4], task="multiclass"), seed=0)).fit(
            x, y, epochs=1, verbose=0)
    Trainer(build(ModelSpec(2, 1, units=[4], task="binary"), seed=0)).fit(
        x, np.linspace(0, 1, 12), epochs=1, verbose=0)  # soft targets


def test_targets_beyond_float32_are_refused_as_the_inputs_are():
    # They became infinite in float32 and training stopped with TrainingDivergedError,
    # advising a lower learning rate.
    x = rng.normal(size=(12, 4, 2)).astype(np.float32)
    with pytest.raises(ValidationError, match=r"`y` holds values beyond what float32 holds "
                                              r"\(largest 1e\+300\); rescale it first"):
        Trainer(build(ModelSpec(2, 1, units=[4]), seed=0)).fit(x, np.full(12, 1e300), epochs=1,
                                                              verbose=0)
    y = np.zeros(12)
    y[3] = np.nan
    with pytest.raises(ValidationError, match=r"`y` contains NaN or infinity \(first at index "
                                              r"\(3,\)"):
        Trainer(build(ModelSpec(2, 1, units=[4]), seed=0)).fit(x, y, epochs=1, verbose=0)


def test_class_ids_in_a_memory_map_are_not_read_whole_to_check_their_range(tmp_path):
    # A token file's ids (gigabytes, say) are checked batch by batch, not by a min/max
    # pass over the whole map, which would page it all into memory.
    from seqlab.data.text import stream_chunks
    from seqlab.train.trainer import _maps_a_file

    ids = np.memmap(tmp_path / "ids.bin", dtype=np.uint8, mode="w+", shape=(401,))
    ids[:] = np.arange(401) % 5
    x, y = stream_chunks(ids, 10, 4)
    assert _maps_a_file(y) and not _maps_a_file(np.asarray(y).copy())
    spec = ModelSpec(5, 5, units=[4], frontend="embedding", embedding_dim=3, task="multiclass",
                     return_sequences=True)
    history = Trainer(build(spec, seed=0)).fit(x, y, epochs=1, batch_size=4, verbose=0)
    assert np.isfinite(history.last()["loss"])


def test_a_loss_of_ones_own_may_use_targets_outside_the_range():
    # Hinge targets of -1 and 1, and -1 as "ignore this step", were refused once the range
    # check came in; only seqlab's own losses read targets as class ids or probabilities,
    # and those are checked whoever writes the step.
    x = rng.normal(size=(16, 5, 2)).astype(np.float32)

    def hinge(output, target):
        return torch.clamp(1 - output.reshape(-1) * target.reshape(-1), min=0).mean()

    def ignoring(output, target):
        return torch.nn.functional.cross_entropy(output.reshape(-1, 3),
                                                 target.reshape(-1).long(), ignore_index=-1)

    signs = np.where(np.arange(16) % 2, 1.0, -1.0)
    Trainer(build(ModelSpec(2, 1, task="binary"), seed=0), loss=hinge).fit(
        x, signs, epochs=1, verbose=0)
    ids = np.random.default_rng(1).integers(-1, 3, (16, 5))
    spec = ModelSpec(2, 3, task="multiclass", return_sequences=True)
    Trainer(build(spec, seed=0), loss=ignoring).fit(x, ids, epochs=1, verbose=0)

    class Smooth(Trainer):  # its own step, seqlab's loss: the targets are still checked
        def train_step(self, batch):
            return super().train_step(batch)

    for trainer in (Trainer, Smooth):
        with pytest.raises(ValidationError, match=r"`y` holds -1\.0; a binary task's"):
            trainer(build(ModelSpec(2, 1, task="binary"), seed=0)).fit(x, signs, epochs=1,
                                                                       verbose=0)
