"""Sampling and generation with carried state."""

import pytest
import torch

from seqlab.data import Vocabulary
from seqlab.errors import ValidationError
from seqlab.generate.sampling import generate_ids, generate_text, sample_next
from seqlab.models import build, char_lm


def test_greedy_is_argmax():
    logits = torch.tensor([0.1, 2.0, -1.0, 1.9])
    assert sample_next(logits, temperature=0) == 1


def test_temperature_sharpens_and_flattens():
    logits = torch.tensor([1.0, 0.0, 0.0, 0.0])
    generator = torch.Generator().manual_seed(0)

    def share_of_top(temperature):
        draws = [sample_next(logits, temperature=temperature, generator=generator)
                 for _ in range(2000)]
        return draws.count(0) / len(draws)

    # softmax at T=0.2: 0.988 for the top symbol; T=1: 0.475; T=5: 0.30
    assert share_of_top(0.2) > 0.95
    assert 0.40 < share_of_top(1.0) < 0.55
    assert share_of_top(5.0) < 0.36


def test_top_k_never_draws_outside_the_k_best():
    logits = torch.tensor([3.0, 2.0, 1.0, 0.0, -1.0])
    generator = torch.Generator().manual_seed(1)
    draws = {sample_next(logits, temperature=2.0, top_k=2, generator=generator)
             for _ in range(500)}
    assert draws == {0, 1}


def _model(seed=0, vocab_size=6):
    return build(char_lm(vocab_size, units=12, embedding_dim=5), seed=seed)


def test_stepping_with_carried_state_equals_rerunning_the_whole_text():
    model = _model()
    prime = [1, 2, 3, 0, 4]
    stepped = generate_ids(model, prime, 15, temperature=0)
    history = list(prime)
    with torch.no_grad():
        for _ in range(15):
            output, _ = model(torch.tensor([history]))
            history.append(int(output[0, -1].argmax()))
    assert stepped == history[len(prime):]


def test_generation_is_repeatable_with_a_seed_and_varies_without():
    model = _model()
    vocab = Vocabulary(list("abcde "))
    first = generate_text(model, vocab, "abc", 40, temperature=1.0, seed=3)
    assert first == generate_text(model, vocab, "abc", 40, temperature=1.0, seed=3)
    assert first != generate_text(model, vocab, "abc", 40, temperature=1.0, seed=4)
    assert len(first) == 40 and set(first) <= set("abcde ")


def test_unknown_prime_symbol_is_named():
    vocab = Vocabulary(list("abcde "))
    try:
        generate_text(_model(), vocab, "abz", 5)
    except ValidationError as error:
        assert "'z'" in str(error)
    else:
        raise AssertionError("an unknown prime symbol was accepted")


def test_an_unknown_prime_symbol_that_shows_as_nothing_is_named_by_its_code_point():
    # Regression: 'İ' lower-cased (generate on a train-text --lower model) is 'i' and a
    # combining dot, refused as "'̇' at position 1", the dot drawn on the quote; a
    # zero-width space was shown as '\u200b' with no name.
    vocab = Vocabulary(list("abcdei "))
    with pytest.raises(ValidationError, match=r"2 character\(s\) the model was not trained "
                                              r"on: '\u0307' \(U\+0307 COMBINING DOT ABOVE\) "
                                              r"at position 1, '\\u200b' \(U\+200B ZERO WIDTH "
                                              r"SPACE\) at position 3\."):
        generate_text(_model(vocab_size=7), vocab, "İa\u200bb".lower(), 5)


@pytest.mark.parametrize("prime", [None, 5, b"abc"])
def test_a_prime_that_is_no_text_is_named(prime):
    # Regression: generate_text(model, vocab, None, 5) raised "argument of type 'NoneType'
    # is not iterable" and b"abc" "a bytes-like object is required": TypeErrors naming
    # neither the parameter nor what it takes.
    vocab = Vocabulary(list("abcde "))
    with pytest.raises(ValidationError, match="'prime' parameter of generate_text must be a "
                                              "str"):
        generate_text(_model(), vocab, prime, 5)


def test_a_prime_with_a_byte_order_mark_reads_as_the_text_was_read():
    # A prime copied from the start of a file saved with a BOM ("$(head -c 40 text.txt)")
    # was refused for its '\ufeff', a character train-text drops from the text it reads.
    vocab = Vocabulary(list("abcde "))
    plain = generate_text(_model(), vocab, "ab c", 12, temperature=0)
    assert generate_text(_model(), vocab, "\ufeffab c", 12, temperature=0) == plain


def test_stateless_window_model_needs_its_window():
    class Window(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.table = torch.nn.Embedding(6, 6)

        def forward(self, x, state=None):
            return self.table(x[:, -1]), None

    try:
        generate_ids(Window(), [1, 2], 3)
    except ValidationError as error:
        assert "window" in str(error)
    else:
        raise AssertionError("no window given for a stateless model")
    assert len(generate_ids(Window(), [1, 2, 3], 4, window=3, temperature=0)) == 4
