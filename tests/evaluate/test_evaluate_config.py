"""A `ConfigExperiment`'s config is checked section by section, the same way for the
batched path (`run_seeds`, the default of `seqlab repeat`) as for one run at a time."""

import copy

import pytest

from seqlab.errors import ValidationError
from seqlab.evaluate import ConfigExperiment
from seqlab.recipes.diagnose import toy_config

BASE = toy_config(epochs=2)


def _with(change):
    config = copy.deepcopy(BASE)
    change(config)
    return config


@pytest.mark.parametrize("change, message", [
    # Each was "unexpected ... This is a bug in seqlab" (TypeError, ValueError,
    # AttributeError), or, on the batched path, taken silently (0 -> 32, 2.5 -> 2, 'foo').
    (lambda c: c.update(spec="lstm"), r"`spec` section must be a table of settings"),
    (lambda c: c.update(fit=[1]), r"`fit` section must be a table of settings"),
    (lambda c: c.update(data="series"), r"`data` section must be a table of settings"),
    (lambda c: c.update(score=3), r"`score` must name a metric"),
    (lambda c: c["fit"].update(epochs="five"), r"'epochs' parameter of the config's fit"),
    (lambda c: c["fit"].update(epochs=2.5), r"'epochs' parameter of the config's fit"),
    (lambda c: c["fit"].update(batch_size=0), r"'batch_size' parameter of the config's fit"),
    (lambda c: c["fit"].update(foo=1), r"Unknown fit setting 'foo'"),
    (lambda c: c.update(data={"series": "abc", "window": 3}),
     r"'data.series' parameter of the config must hold numbers"),
    (lambda c: c.update(data={"series": list(range(20)), "window": 3,
                              "validation_fraction": 1.0}), r"'validation_fraction'"),
    # Was windows()'s "Use a smaller n_in or n_out": a config knows no n_in or n_out.
    (lambda c: c.update(data={"series": [1.0, 2.0, 3.0, 4.0], "window": 9}),
     r"^The config's data has window = 9 but its series has only 4 value\(s\); each sample "
     r"needs window \+ 1 = 10 consecutive values .* Use a window of at most 3, or a longer"),
    (lambda c: c.update(data={"series": [1.0], "window": 1}),
     r"window = 1 but its series has only 1 value.* Give a series of at least 2 values"),
])
def test_a_malformed_config_is_refused_naming_the_section(change, message):
    config = _with(change)
    with pytest.raises(ValidationError, match=message):
        ConfigExperiment(config)(0)
    with pytest.raises(ValidationError, match=message):
        ConfigExperiment(config).run_seeds([0, 1])


def test_null_fit_settings_take_their_defaults():
    # "batch_size": null (the default, 32) was refused once the fit section was checked.
    config = _with(lambda c: c["fit"].update(batch_size=None, shuffle=None))
    assert len(ConfigExperiment(config).run_seeds([0, 1])) == 2
    assert ConfigExperiment(config)(0) > 0


def test_a_sound_config_trains_on_both_paths_alike():
    experiment = ConfigExperiment(copy.deepcopy(BASE))
    one_by_one = [experiment(seed) for seed in (0, 1)]
    assert experiment.run_seeds([0, 1]) == pytest.approx(one_by_one, rel=1e-5)

