"""Passwords are kept as scrypt hashes at the real cost (the other tests run it cheaper)."""

from __future__ import annotations

from jxfed.actors.passwords import check_password, hash_password


def test_a_password_is_hashed_with_scrypt_at_its_real_cost(real_scrypt: int) -> None:
    stored = hash_password("correct-horse-battery")
    scheme, n, r, p, _salt, _digest = stored.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**14, 8, 1)
    assert real_scrypt == 2**14
    assert check_password("correct-horse-battery", stored)
    assert not check_password("correct-horse-batterz", stored)


def test_two_hashes_of_one_password_differ_by_their_salt(real_scrypt: int) -> None:
    assert hash_password("correct-horse-battery") != hash_password("correct-horse-battery")


def test_a_missing_or_malformed_hash_never_matches() -> None:
    assert not check_password("anything", None)
    assert not check_password("anything", "")
    assert not check_password("anything", "md5$abc")
    assert not check_password("anything", "scrypt$x$8$1$AAAA$AAAA")
