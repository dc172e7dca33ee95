"""libical, the parser under Evolution and GNOME Calendar, through ctypes (Debian's
``libical3``): parse a feed, run its RFC 5545/5546 restriction check, and list what it
kept and what it flagged (libical marks problems as X-LIC-ERROR properties)."""

from __future__ import annotations

import ctypes
import ctypes.util
from dataclasses import dataclass


def load() -> ctypes.CDLL | None:
    """The library, or None where it is not installed."""
    name = ctypes.util.find_library("ical") or "libical.so.3"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    lib.icalparser_parse_string.restype = ctypes.c_void_p
    lib.icalparser_parse_string.argtypes = [ctypes.c_char_p]
    lib.icalrestriction_check.restype = ctypes.c_int
    lib.icalrestriction_check.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_as_ical_string.restype = ctypes.c_char_p
    lib.icalcomponent_as_ical_string.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_count_errors.restype = ctypes.c_int
    lib.icalcomponent_count_errors.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_free.argtypes = [ctypes.c_void_p]
    return lib


@dataclass(frozen=True)
class Checked:
    restrictions_pass: bool
    errors: list[str]  # the X-LIC-ERROR lines libical added
    text: str  # the calendar as libical writes it back


def check(lib: ctypes.CDLL, content: bytes) -> Checked:
    """Parse ``content`` and run the restriction check on it."""
    component = lib.icalparser_parse_string(content)
    assert component, "libical could not parse the feed at all"
    try:
        passed = bool(lib.icalrestriction_check(component))
        # libical's own writer splits a character after an escaped backslash ("\\¡");
        # its parser reads it right, and this text is only searched for markers
        text = lib.icalcomponent_as_ical_string(component).decode("utf-8", "replace")
    finally:
        lib.icalcomponent_free(component)
    unfolded = text.replace("\r\n ", "").replace("\n ", "")
    errors = [line for line in unfolded.splitlines() if line.startswith("X-LIC-ERROR")]
    return Checked(passed, errors, unfolded)


def calendar_texts(lib: ctypes.CDLL, content: bytes) -> dict[str, str]:
    """The VCALENDAR's own TEXT properties as libical decodes them (escapes undone),
    by property name – what Evolution shows as a subscribed calendar's name."""
    voidp = ctypes.c_void_p
    lib.icalcomponent_get_first_property.restype = voidp
    lib.icalcomponent_get_first_property.argtypes = [voidp, ctypes.c_int]
    lib.icalcomponent_get_next_property.restype = voidp
    lib.icalcomponent_get_next_property.argtypes = [voidp, ctypes.c_int]
    lib.icalproperty_get_property_name.restype = ctypes.c_char_p
    lib.icalproperty_get_property_name.argtypes = [voidp]
    lib.icalproperty_get_value.restype = voidp
    lib.icalproperty_get_value.argtypes = [voidp]
    lib.icalvalue_isa.restype = ctypes.c_int
    lib.icalvalue_isa.argtypes = [voidp]
    lib.icalvalue_kind_to_string.restype = ctypes.c_char_p
    lib.icalvalue_kind_to_string.argtypes = [ctypes.c_int]
    lib.icalvalue_get_text.restype = ctypes.c_char_p
    lib.icalvalue_get_text.argtypes = [voidp]
    any_property = 0  # ICAL_ANY_PROPERTY
    component = lib.icalparser_parse_string(content)
    assert component, "libical could not parse the feed at all"
    found: dict[str, str] = {}
    try:
        prop = lib.icalcomponent_get_first_property(component, any_property)
        while prop:
            value = lib.icalproperty_get_value(prop)
            if lib.icalvalue_kind_to_string(lib.icalvalue_isa(value)) == b"TEXT":
                name = lib.icalproperty_get_property_name(prop).decode()
                found[name] = lib.icalvalue_get_text(value).decode("utf-8")
            prop = lib.icalcomponent_get_next_property(component, any_property)
    finally:
        lib.icalcomponent_free(component)
    return found
