"""What an API key looks like, written loosely: any case, ``-`` for ``_``, look-alike letters.

``redaction`` masks the forms a client may send by accident (``SK_TEST_…``, ``sk-test-…``); this
module also recognises a prefix disguised on purpose, with characters that look like the Latin
ones (a Cyrillic ``ѕ``), or with invisible ones inside (a zero-width space), so that such a key
is refused in stored data and masked in the journal. A text is folded to a skeleton first:
compatibility forms decomposed (NFKD: fullwidth and mathematical letters, accents split off),
combining marks and format characters dropped, the look-alikes below replaced, lower case.

The look-alikes are the entries of Unicode's confusables data (UTS #39, ``confusables.txt``)
whose prototype is one of the prefix's characters, less those NFKD already folds. A look-alike
that Unicode does not list (the Cyrillic ``к``, say) stays out of reach, as does a disguised
random part: the prefix tells a key, the 32 characters after it are checked as they are.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from collections.abc import Callable

# Case-insensitive, "-" for "_": the prefix however a client or a person may have written it.
PREFIX = r"(?i:sk[-_](?:test|live)[-_])"
_LOOKALIKES: dict[str, str] = {
    "-": "\u02d7\u2010\u2011\u2012\u2013\u2043\u2212\u2796\u2cba\ufe58",
    "e": "\u0395\u0415\u0435\u04bd\u13ac\u212e\u22ff\u2d39\ua4f0\uab32\U00010286\U000118a6\U000118ae\U0001d6ac"
    "\U0001d6e6\U0001d720\U0001d75a\U0001d794",
    "i": "\u0131\u0269\u026a\u02db\u037a\u03b9\u0456\u04cf\u13a5\u1fbe\u2373\ua647\uab75\U000118c3\U0001d6a4"
    "\U0001d6ca\U0001d704\U0001d73e\U0001d778\U0001d7b2",
    "k": "\u039a\u041a\u13e6\u16d5\u2c94\ua4d7\U00010518\U0001d6b1\U0001d6eb\U0001d725\U0001d75f\U0001d799",
    "l": "\u0196\u01c0\u0399\u0406\u04c0\u06f1\u13de\u14aa\u16c1\u2110\u2111\u2160\u2223\u23fd\u2c92\u2cd0"
    "\u2d4f\ua4e1\ua4f2\uff29\uffe8\U0001028a\U00010309\U00010320\U0001041b\U00010526\U000118a3\U000118b2"
    "\U00016f16\U00016f28\U0001d22a\U0001d408\U0001d43c\U0001d470\U0001d4d8\U0001d540\U0001d574\U0001d5a8"
    "\U0001d5dc\U0001d610\U0001d644\U0001d678\U0001d6b0\U0001d6ea\U0001d724\U0001d75e\U0001d798\U0001d7cf"
    "\U0001d7d9\U0001d7e3\U0001d7ed\U0001d7f7\U0001fbf1",
    "s": "\u01bd\u0405\u0455\u054f\u13d5\u13da\ua4e2\ua731\uabaa\U00010296\U00010420\U00010448\U000118c1\U00016f3a",
    "t": "\u03a4\u0422\u13a2\u22a4\u27d9\u2ca6\ua4d4\U00010297\U000102b1\U00010315\U000118bc\U00016f0a\U0001d6bb"
    "\U0001d6f5\U0001d72f\U0001d769\U0001d7a3\U0001f768",
    "v": "\u03bd\u0474\u0475\u06f7\u13d9\u142f\u1d20\u2228\u22c1\u2d38\ua4e6\ua6df\uaba9\U0001051d\U00011706"
    "\U000118a0\U000118c0\U00016f08\U0001d20d\U0001d6ce\U0001d708\U0001d742\U0001d77c\U0001d7b6",
}
_FOLD = str.maketrans({ch: target for target, chars in _LOOKALIKES.items() for ch in chars})
_DROPPED = frozenset(("Mn", "Me", "Cf"))  # combining marks, and format characters such as U+200B
# A key in a skeleton: "i" and "l" are each other's look-alikes, so either stands for both.
_SKELETON_KEY = re.compile(r"sk[-_](?:test|[il][il]ve)[-_][a-z0-9]{32}")


def skeleton(text: str) -> str:
    """``text`` as it reads, not as it is written: look-alikes replaced, invisible characters dropped."""
    decomposed = unicodedata.normalize("NFKD", text)
    visible = "".join(ch for ch in decomposed if ch.isascii() or unicodedata.category(ch) not in _DROPPED)
    return visible.translate(_FOLD).lower()


def disguised_key(text: str) -> bool:
    """Whether ``text`` holds a key whose prefix is written with characters other than ASCII.

    ASCII text never does: ``redaction`` finds every ASCII form of a key already.
    """
    return not text.isascii() and _SKELETON_KEY.search(skeleton(text)) is not None


def _base64_cores(prefix: bytes) -> set[str]:
    """The base64 characters that ``prefix`` alone decides, at each of the three byte alignments."""
    cores = set()
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + prefix + b"\0\0\0").decode()
        inside = [i for i in range(len(encoded)) if 6 * i >= 8 * offset and 6 * i + 6 <= 8 * (offset + len(prefix))]
        cores.add(encoded[inside[0] : inside[-1] + 1])
    return cores


# Any base64 of a key (plain or percent-encoded, standard or URL-safe) holds one of these.
BASE64_PREFIXES = sorted(
    core
    for env in ("test", "live")
    for prefix in (f"sk_{env}_", f"sk%5F{env}%5F", f"sk%5f{env}%5f")
    for core in _base64_cores(prefix.encode())
)
# A key's random part on its own: 32 letters and digits, not part of a longer run.
_RANDOM_PART = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{32}(?![A-Za-z0-9])")
_RUN = re.compile(r"[A-Za-z0-9]{32}")  # cheaper without the bounds: the first test only


def mask_key_parts(
    path: str, query: str, headers: list[tuple[str, str]], plain: list[str], belongs: Callable[[str], bool]
) -> tuple[str, str, list[tuple[str, str]]]:
    """``path``, ``query`` and header values with each run of 32 letters and digits that is the random
    part of a key (``belongs`` tells, by its keyed hash) cut to 4 characters and an ellipsis.

    Only ``path``, ``query`` and the ``plain`` header values are searched: credential headers
    (``Authorization``, which carries a key on most calls) are blanked whole anyway.
    """
    if _RUN.search(" ".join([path, query, *plain])) is None:  # no run that long: the usual case
        return path, query, headers

    def mask(text: str) -> str:
        return _RANDOM_PART.sub(lambda m: m.group(0)[:4] + "…" if belongs(m.group(0)) else m.group(0), text)

    return mask(path), mask(query), [(name, mask(value)) for name, value in headers]
