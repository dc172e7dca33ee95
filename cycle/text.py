"""Text that every place it goes can carry: a calendar line, an e-mail header, a page.

What people type into cycle files and forms ends up in iCalendar properties, in e-mail
headers (a person's name) and in HTML. A carriage return pasted from Outlook, a NUL or a
right-to-left override breaks or disguises all three, so such characters are refused
with a message that names the character; what a user evidently means is normalised
instead: the composed form of å/ä/ö (NFC), no space at either end, a tab as a space,
and (in text of several lines) Windows line ends as plain ones.
"""

from __future__ import annotations

import unicodedata

# Format characters that are allowed: the joiner inside emoji sequences, the soft hyphen.
_ALLOWED_FORMAT = {"\u200d", "\u00ad"}
_NAMES = {
    "\r": "vagnretur (CR)",
    "\n": "radbrytning (LF)",
    "\x00": "nolltecken (NUL)",
    "\u2028": "radavgränsare (U+2028)",
    "\u2029": "styckeavgränsare (U+2029)",
    "\ufeff": "byte order mark (U+FEFF)",
    "\u200b": "nollbreddsmellanslag (U+200B)",
}


class TextError(ValueError):
    """A character that cannot be carried; the message is Swedish and names it."""


def _describe(char: str) -> str:
    if char in _NAMES:
        return _NAMES[char]
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name.lower()})" if name else "")


def _refused(char: str) -> bool:
    category = unicodedata.category(char)
    if category in ("Cc", "Cs", "Zl", "Zp"):
        return True
    if category == "Cf":
        return char not in _ALLOWED_FORMAT
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE  # noncharacters


def clean_text(value: str, *, lines: bool = False) -> str:
    """``value`` normalised, or :class:`TextError` for a character it cannot carry.

    ``lines`` allows line breaks (a description); every other field is one line.

    Example:
        >>> clean_text("  Samverkansrådet\\t2027 ")
        'Samverkansrådet 2027'
        >>> clean_text("Möte\\r\\nigen")
        Traceback (most recent call last):
        ...
        cycle.text.TextError: innehåller en vagnretur (CR), som inte kan stå i en kalenderrad
        >>> clean_text("Rad ett\\r\\nRad två", lines=True)
        'Rad ett\\nRad två'
    """
    text = unicodedata.normalize("NFC", value).replace("\t", " ")
    if lines:
        text = text.replace("\r\n", "\n")
    for char in text:
        if (lines and char == "\n") or not _refused(char):
            continue
        raise TextError(f"innehåller en {_describe(char)}, som inte kan stå i en kalenderrad")
    return text.strip()


def printable(value: str, *, lines: bool = False) -> str:
    """``value`` without the characters :func:`clean_text` refuses (line breaks kept if
    ``lines``): the last guard on the way out to a feed or an e-mail header, for text
    stored before it was checked, so one such row cannot break what carries it.

    Example:
        >>> printable("Möte\\r\\nigen\\x00")
        'Möte  igen'
    """
    kept = []
    for char in unicodedata.normalize("NFC", value):
        if lines and char == "\n":
            kept.append(char)
        elif char in "\r\n\t":
            kept.append(" ")
        elif not _refused(char):
            kept.append(char)
    text = "".join(kept)  # a break becomes a space; what clean_text keeps, this keeps
    return text if lines else text.strip()
