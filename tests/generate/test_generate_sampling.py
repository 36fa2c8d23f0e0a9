"""Sampling text from a character model: the prime read in the vocabulary's form."""


def test_a_prime_takes_the_unicode_form_of_the_vocabulary():
    # A text saved decomposed (macOS) trains on 'e' and a combining accent: a prime typed
    # composed ('café') was refused for its 'é'.
    import unicodedata

    from seqlab.data.encoding import Vocabulary
    from seqlab.generate.sampling import _in_the_vocabularys_form

    decomposed = Vocabulary(sorted(set(unicodedata.normalize("NFD", "café crème"))))
    assert _in_the_vocabularys_form(decomposed, "café") == "cafe\u0301"
    composed = Vocabulary(sorted(set("café crème")))
    assert _in_the_vocabularys_form(composed, "cafe\u0301") == "café"
    assert _in_the_vocabularys_form(composed, "caf\u2603") == "caf\u2603"  # left to refuse
    # a prime typed with Windows line endings, for a text read with '\n' ones
    lines = Vocabulary(sorted(set("ab\n")))
    assert _in_the_vocabularys_form(lines, "a\r\nb\rb") == "a\nb\nb"
