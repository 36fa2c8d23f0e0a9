"""Text generation: greedy, temperature and top-k sampling, stepping with carried state.

The prime text warms the model's state up once; each new symbol is then fed alone with
the carried state. No window is re-encoded per symbol and no full batch is needed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from seqlab._validation import check_float, check_int, check_seed
from seqlab.data.encoding import Vocabulary
from seqlab.data.text import code_point, unix_newlines
from seqlab.errors import ValidationError
from seqlab.models.inference import eval_mode

__all__ = ["sample_next", "generate_ids", "generate_text", "check_sampling"]


def check_sampling(length: int, temperature: float, top_k: int | None, seed: int | None,
                   owner: str = "generate_text") -> None:
    """Refuse a bad `length`, `temperature`, `top_k` or `seed` (a message naming the first),
    before any symbol is drawn: a caller checks them before it reads or says anything."""
    check_int("length", length, owner, low=0)
    check_float("temperature", temperature, owner, low=0.0)
    if top_k is not None:
        check_int("top_k", top_k, owner, low=1)
    if seed is not None:
        check_seed(seed, owner)


def sample_next(
    logits: torch.Tensor,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    generator: torch.Generator | None = None,
) -> int:
    """Draw one symbol id from a row of logits.

    ``temperature=0`` is greedy (argmax). Otherwise the logits are divided by the
    temperature (below 1 sharpens, above 1 flattens) and, with `top_k`, all but the k
    largest are excluded before sampling.
    """
    temperature = check_float("temperature", temperature, "sample_next", low=0.0)
    if not isinstance(logits, torch.Tensor):
        logits = torch.as_tensor(np.asarray(logits, dtype=np.float64))
    logits = logits.detach().reshape(-1).double()
    if not len(logits):
        raise ValidationError("sample_next needs at least one logit; got none.")
    if not torch.isfinite(logits).all():
        raise ValidationError(
            "The model's scores for the next symbol hold NaN or infinity (weights so large "
            "that its output overflows): no symbol can be chosen from them. Retrain the model "
            "(or roll its bundle back to the previous version).")
    if temperature == 0.0:
        return int(logits.argmax())
    scaled = logits / temperature
    if not torch.isfinite(scaled).all():
        # A temperature so small (5e-324, say) that the scaled logits overflow: in the limit
        # sampling is greedy, where softmax would return NaN probabilities.
        return int(logits.argmax())
    logits = scaled
    if top_k is not None:
        top_k = check_int("top_k", top_k, "sample_next", low=1)
        if top_k < logits.numel():
            threshold = torch.topk(logits, top_k).values[-1]
            logits = logits.masked_fill(logits < threshold, float("-inf"))
    probabilities = torch.softmax(logits, dim=0)
    return int(torch.multinomial(probabilities, 1, generator=generator))


@torch.no_grad()
def generate_ids(
    model: nn.Module,
    prime: list[int],
    length: int,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    seed: int | None = None,
    window: int | None = None,
    on_symbol: Callable[[int], None] | None = None,
) -> list[int]:
    """`length` new ids after `prime` from a model that takes id sequences.

    Models that carry state step one id at a time. A model that returns no state (a
    fixed-window model) is fed the last `window` ids instead, as it was trained.
    `on_symbol`, when given, is called with each id as soon as it is drawn (to show the
    text as it is generated).
    """
    length = check_int("length", length, "generate_ids", low=0)
    if seed is not None:
        check_seed(seed, "generate_ids")
    if window is not None:
        window = check_int("window", window, "generate_ids", low=1)
    try:  # a numpy array of ids (as `Vocabulary.encode` gives) as well as a list
        prime = (prime.tolist() if isinstance(prime, np.ndarray) and prime.ndim == 1
                 else list(prime))
    except TypeError:
        raise ValidationError(f"The 'prime' parameter of generate_ids must be a list of ids; "
                              f"got {type(prime).__name__} {prime!r:.40}.") from None
    if not prime:
        raise ValidationError("The prime text must hold at least one symbol.")
    spec = getattr(model, "spec", None)
    if spec is not None:
        if not spec.takes_ids:
            raise ValidationError(f"generate_ids needs a model that takes symbol ids (a "
                                  f"'onehot' or 'embedding' frontend); this one takes "
                                  f"{spec.input_size} real value(s) a step.")
        bad = next((i for i in prime if not isinstance(i, (int, np.integer))
                    or not 0 <= i < spec.input_size), None)
        if bad is not None:
            what = ("the id" if isinstance(bad, (int, np.integer))
                    else f"the {type(bad).__name__}")
            kind = "" if isinstance(bad, (int, np.integer)) else ", ints,"
            raise ValidationError(f"The prime holds {what} {bad!r}; this model's ids{kind} run "
                                  f"from 0 to {spec.input_size - 1}.")
    device = next(model.parameters()).device
    generator = torch.Generator(device="cpu")
    if seed is not None:
        generator.manual_seed(seed)
    with eval_mode(model):
        history = list(prime)
        output, state = model(torch.tensor([history[-window:] if window else history],
                                           device=device))
        generated = []
        for _ in range(length):
            logits = output[0, -1] if output.dim() == 3 else output[0]
            symbol = sample_next(logits.cpu(), temperature=temperature, top_k=top_k,
                                 generator=generator)
            generated.append(symbol)
            history.append(symbol)
            if on_symbol is not None:
                on_symbol(symbol)
            if state is None:
                if window is None:
                    raise ValidationError(
                        "This model carries no state: pass `window`, the input length it was "
                        "trained on, so each step sees the last `window` symbols."
                    )
                output, state = model(torch.tensor([history[-window:]], device=device))
            else:
                output, state = model(torch.tensor([[symbol]], device=device), state)
    return generated


def generate_text(
    model: nn.Module,
    vocab: Vocabulary,
    prime: str,
    length: int,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    seed: int | None = None,
    window: int | None = None,
    stream: Callable[[str], None] | None = None,
) -> str:
    """`length` characters continuing `prime`; a symbol outside the vocabulary is an error
    naming it (or maps to the vocabulary's `unknown` symbol, when it has one). `stream`,
    when given, is called with each character as soon as it is drawn: the characters it
    is given, joined, are the text returned."""
    check_sampling(length, temperature, top_k, seed)
    if not isinstance(prime, str):
        raise ValidationError(f"The 'prime' parameter of generate_text must be a str, the text "
                              f"to start from ('the ', say); got {type(prime).__name__} "
                              f"{prime!r:.40}.")
    spec = getattr(model, "spec", None)
    predicts = getattr(spec, "output_size", None)
    if isinstance(predicts, int) and predicts != len(vocab):
        raise ValidationError(
            f"The vocabulary has {len(vocab)} symbols but the model predicts one of "
            f"{predicts}: they do not belong together (a vocabulary edited or taken from "
            f"another model), so its ids could not be read back as text.")
    prime = _in_the_vocabularys_form(vocab, prime)
    if vocab.unknown is None:
        _check_prime(vocab, prime)
    ids = vocab.encode(prime).tolist()
    new = generate_ids(model, ids, length, temperature=temperature, top_k=top_k, seed=seed,
                       window=window, on_symbol=None if stream is None else
                       lambda symbol: stream(vocab.decode_str([symbol])))
    return vocab.decode_str(new)


_LISTED = 5
_KNOWN_LISTED = 80


def _in_the_vocabularys_form(vocab: Vocabulary, prime: str) -> str:
    """`prime` as the text was read (line endings as '\\n', byte-order marks dropped: see
    `seqlab.data.text.plain_text`), in the Unicode normal form (composed 'é' or 'e' and a
    combining accent) in which every character is in `vocab`, where only one form is: a
    text saved decomposed (as macOS file names and some exports are) trains on the accent
    apart, and a prime typed composed would be refused."""
    if "\r" in prime and "\r" not in vocab:  # the text's line endings were read as '\n'
        prime = unix_newlines(prime)
    if "\ufeff" in prime and "\ufeff" not in vocab:  # dropped from the text
        prime = prime.replace("\ufeff", "")
    if all(char in vocab for char in prime):
        return prime
    for form in ("NFC", "NFD"):
        other = unicodedata.normalize(form, prime)
        if all(char in vocab for char in other):
            return other
    return prime


def _shown(char: str) -> str:
    """`char` quoted, with its code point and name where it shows as nothing or as a mark
    on its neighbour: a combining mark ('İ'.lower() ends in U+0307), a zero-width or other
    format character, a control or a space other than ' '."""
    if char == " " or unicodedata.category(char)[0] not in "MCZ":
        return repr(char)
    return f"{char!r} ({code_point(char)})"


def _check_prime(vocab: Vocabulary, prime: str) -> None:
    """A prime holding characters the model never saw is refused, naming them and the
    characters the model does know (the model cannot read the others: it has no id for
    them)."""
    unseen = [(position, char) for position, char in enumerate(prime) if char not in vocab]
    if not unseen:
        return
    shown = ", ".join(f"{_shown(char)} at position {position}"
                      for position, char in unseen[:_LISTED])
    more = f" and {len(unseen) - _LISTED} more" if len(unseen) > _LISTED else ""
    known = "".join(str(symbol) for symbol in list(vocab)[:_KNOWN_LISTED])
    rest = f" and {len(vocab) - _KNOWN_LISTED} more" if len(vocab) > _KNOWN_LISTED else ""
    raise ValidationError(
        f"The prime holds {len(unseen)} character(s) the model was not trained on: {shown}"
        f"{more}. Start from characters of its vocabulary of {len(vocab)}: {known!r}{rest}.")
