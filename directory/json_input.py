"""How deeply a JSON text nests, measured without parsing it (so without recursion)."""

import re

# A whole string (skipped, so that brackets inside it do not count; possessive, so no backtracking)
# or one bracket. An unterminated string runs to the end.
_TOKEN = re.compile(rb'"(?:[^"\\]++|\\.)*+"?|[\[\]{}]', re.DOTALL)
_OPENERS = (b"[", b"{")
_CLOSERS = (b"]", b"}")


def nesting_exceeds(raw: bytes, limit: int) -> bool:
    """Whether arrays and objects in this JSON text nest more than `limit` levels deep."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    depth = 0
    for match in _TOKEN.finditer(raw):
        token = match.group()
        if token in _OPENERS:
            depth += 1
            if depth > limit:
                return True
        elif token in _CLOSERS:
            depth = max(depth - 1, 0)
    return False
