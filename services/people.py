"""People and bodies as an admin names them on the command line (``ORG/ID``,
``ORG/ORGAN``): checked against the stored ones, with the nearest key suggested for a
typo."""

from __future__ import annotations

from sqlmodel import Session, col, select

from cycle import DefinitionError
from cycle.suggestions import did_you_mean
from models.tables import Body, Person


def known_person(session: Session, person: str, *, field: str = "--person") -> str:
    """``person`` when it is stored.

    Raises:
        DefinitionError: nobody has that key; names the nearest key, else a real example.
    """
    return _known(session, Person, person, field, ("okänd person", "ORG/ID", "personer"))


def known_body(session: Session, body: str, *, field: str = "--body") -> str:
    """``body`` when it is stored.

    Raises:
        DefinitionError: no body has that key; names the nearest key, else a real example.
    """
    return _known(session, Body, body, field, ("okänt organ", "ORG/ORGAN", "organ"))


def _known(
    session: Session,
    model: type[Person] | type[Body],
    key: str,
    field: str,
    words: tuple[str, str, str],
) -> str:
    """``key`` when a ``model`` row has it; ``words`` are the refusal's (what is
    unknown, the key's form, what none are stored of)."""
    if session.get(model, key) is not None:
        return key
    unknown, form, plural = words
    keys = list(session.exec(select(model.key).order_by(col(model.key))))
    hint = did_you_mean(key, keys)
    if not hint:
        hint = f"; ange {form}, t.ex. {keys[0]}" if keys else f"; inga {plural} är sparade än"
    raise DefinitionError(f"{unknown}{hint}", field=field, value=key)
