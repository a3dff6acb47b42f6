"""English amounts in words for foreign-currency letters (issue 12)."""
import pytest

from xlsx_tools.core.words import amount_words, number_words


@pytest.mark.parametrize("cents, currency, words", [
    (1, "USD", "Zero US dollars and one cent"),
    (100, "USD", "One US dollar"),
    (101, "EUR", "One euro and one cent"),
    (100_000_050, "USD", "One million US dollars and fifty cents"),
    (123_456_789, "HKD", "One million two hundred thirty-four thousand five hundred sixty-seven Hong Kong dollars "
                         "and eighty-nine cents"),
    (0, "EUR", "Zero euros"),
    (1_000_000_000_00, "USD", "One billion US dollars"),
    (2_001_019_00, "EUR", "Two million one thousand nineteen euros"),
])
def test_amounts_in_words(cents, currency, words):
    assert amount_words(cents, currency) == words


@pytest.mark.parametrize("n, words", [(15, "fifteen"), (40, "forty"), (99, "ninety-nine"), (100, "one hundred"),
                                      (1_000_001, "one million one")])
def test_number_words(n, words):
    assert number_words(n) == words


def test_refuses_what_it_cannot_word():
    with pytest.raises(ValueError):
        amount_words(-1, "USD")
    with pytest.raises(ValueError):
        amount_words(100, "JPY")
