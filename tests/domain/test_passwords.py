"""The password policy (ASVS: 8-128 characters, no common or personal passwords, no
composition rules) and hashing."""

from __future__ import annotations

import pytest

from trainer.services.passwords import check_password, hash_password, password_problems


def test_hash_is_salted_and_checks():
    first, second = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert first != second  # salted
    assert "correct horse" not in first
    assert first.startswith("scrypt:")
    assert check_password(first, "correct horse battery")
    assert not check_password(first, "correct horse battery!")


@pytest.mark.parametrize("stored", [None, ""])
def test_no_hash_never_matches(stored):
    assert check_password(stored, "") is False
    assert check_password(stored, "anything at all") is False


def test_length_limits():
    assert password_problems("x7#kq2!") == ["Use at least 8 characters."]  # 7
    assert password_problems("x7#kq2!p") == []  # 8
    assert password_problems("q" * 50 + "w" * 78) == []  # 128
    assert password_problems("q" * 50 + "w" * 79) == ["Use at most 128 characters."]


@pytest.mark.parametrize("password", ["password", "12345678", "iloveyou", "PASSWORD1",
                                      "football", "baseball"])
def test_common_passwords_are_refused(password):
    assert any("too common" in problem for problem in password_problems(password))


@pytest.mark.parametrize("password", ["priya.shah@example.com", "PRIYA.SHAH", "Priya Shah"])
def test_personal_passwords_are_refused(password):
    problems = password_problems(password, email="priya.shah@example.com", name="Priya Shah")
    assert any("too easy to guess" in problem for problem in problems)


@pytest.mark.parametrize("password", ["all lowercase words here", "zzzzzzzzzzzzqq",
                                      "ŝûpêr sécret çafé", "          tens of spaces  "])
def test_no_composition_rules(password):
    """No demands for digits, capitals or symbols; any Unicode and spaces are fine."""
    assert password_problems(password, email="a@example.com", name="A Person") == []
