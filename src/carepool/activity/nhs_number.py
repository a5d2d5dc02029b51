"""NHS numbers: Modulus 11 check digit, and keyed pseudonyms for linkage without sharing the number.

Modulus 11: multiply the first nine digits by weights 10..2, sum, take the remainder mod 11; the check
digit is 11 − remainder (11 → 0; 10 → the number is invalid). The pseudonym is HMAC-SHA-256 under a key
only the data controller holds, so health and social care files can be joined on it but nobody without
the key can turn an NHS number into its pseudonym (a plain hash could be reversed by trying every number).
"""

from __future__ import annotations

import hashlib
import hmac

WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
MIN_KEY_BYTES = 16


def normalise(text: str) -> str:
    """Strip the spaces and hyphens people type (``943 476 5919``)."""
    return "".join(ch for ch in text if ch not in " -")


def check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None when no valid number can start with them."""
    total = sum(int(d) * w for d, w in zip(first_nine, WEIGHTS, strict=True))
    digit = 11 - total % 11
    if digit == 11:
        return 0
    if digit == 10:
        return None
    return digit


def is_valid(text: str) -> bool:
    number = normalise(text)
    if len(number) != 10 or not number.isdigit():
        return False
    expected = check_digit(number[:9])
    return expected is not None and expected == int(number[9])


def pseudonym(nhs_number: str, key: bytes) -> str:
    """Hex HMAC-SHA-256 of the normalised number under ``key``."""
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"the linkage key must be at least {MIN_KEY_BYTES} bytes")
    return hmac.new(key, normalise(nhs_number).encode("ascii"), hashlib.sha256).hexdigest()


def hmac_pads(key: bytes) -> tuple[str, str]:
    """Inner and outer padded keys (hex) so an SQL engine can compute the same HMAC with sha256/unhex.

    HMAC(K, m) = H((K' ⊕ opad) ‖ H((K' ⊕ ipad) ‖ m)), K' = K padded to the 64-byte block.
    """
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"the linkage key must be at least {MIN_KEY_BYTES} bytes")
    block = key if len(key) <= 64 else hashlib.sha256(key).digest()
    block = block.ljust(64, b"\0")
    inner = bytes(b ^ 0x36 for b in block)
    outer = bytes(b ^ 0x5C for b in block)
    return inner.hex(), outer.hex()
