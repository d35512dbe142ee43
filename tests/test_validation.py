"""Pydantic errors as sentences (src/infracast/validation.py)."""

from __future__ import annotations

from infracast.validation import problems_message, unknown_key


def test_every_problem_is_listed_once_with_a_count() -> None:
    assert problems_message("the spec", ["a is required", "b must be > 0."]) == (
        "the spec has 2 problems: a is required; b must be > 0."
    )


def test_a_closing_did_you_mean_is_not_followed_by_a_full_stop() -> None:
    said = unknown_key("sampels", ["samples", "seed"])
    assert said == "unknown key 'sampels'. Did you mean \"samples\"?"
    assert problems_message("--risk", [said]).endswith('Did you mean "samples"?')


def test_an_unknown_key_with_no_close_match_lists_the_keys() -> None:
    assert unknown_key("zzz", ["a", "b"]) == "unknown key 'zzz' (the keys here are a, b)."
