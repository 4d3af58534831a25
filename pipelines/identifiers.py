"""Identifier rules: unified social credit codes (GB 32100-2015) and region codes (GB/T 2260).

The generator uses these to write valid codes and the readers to validate them, so the rule
exists once.
"""

from __future__ import annotations

# GB 32100: the 31 characters allowed (no I, O, S, V, Z) and the weights of positions 1–17.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714: the organisation code (positions 9–17) carries its own check character.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code whose first 17 are given."""
    if len(first17) != 17:
        raise ValueError(f"need 17 characters, got {len(first17)}")
    total = 0
    for char, weight in zip(first17, _CREDIT_WEIGHTS):
        value = CREDIT_CODE_CHARSET.find(char)
        if value < 0:
            raise ValueError(f"character {char!r} is not allowed in a credit code")
        total += value * weight
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """Check character of a GB 11714 organisation code (digits and capital letters)."""
    total = 0
    for char, weight in zip(first8, _ORG_WEIGHTS):
        value = int(char) if char.isdigit() else ord(char) - ord("A") + 10
        total += value * weight
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def credit_code_problem(code: str | None) -> str | None:
    """None when the code is valid, else a reason a clerk can act on."""
    if code is None or code == "":
        return "credit code is missing"
    if len(code) != 18:
        return f"credit code {code!r} has {len(code)} characters, not 18"
    bad = [c for c in code if c not in CREDIT_CODE_CHARSET]
    if bad:
        return f"credit code {code!r} contains {bad[0]!r}, which GB 32100 does not allow"
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return f"credit code {code!r} fails the GB 32100 check character (expected {expected!r})"
    return None

