"""The names users import, exactly as the documentation writes them."""

import importlib

import pytest


def test_documented_imports():
    from seqlab.data import (  # noqa: F401
        MinMaxScaler,
        StandardScaler,
        Vocabulary,
        one_hot,
        pad_sequences,
        series_to_supervised,
        windows,
    )
    from seqlab.models import ModelSpec, build, summary  # noqa: F401
    from seqlab.recipes import get, names  # noqa: F401
    from seqlab.train import Trainer  # noqa: F401


@pytest.mark.parametrize("package", ["seqlab", "seqlab.data", "seqlab.models", "seqlab.train",
                                     "seqlab.recipes", "seqlab.problems", "seqlab.errors"])
def test_every_exported_name_exists_and_is_documented(package):
    module = importlib.import_module(package)
    assert module.__all__, f"{package} has an empty __all__"
    for name in module.__all__:
        value = getattr(module, name)
        if callable(value) and not name.isupper():
            assert value.__doc__, f"{package}.{name} has no docstring"
