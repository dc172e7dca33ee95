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
    if session.get(Person, person) is not None:
        return person
    keys = list(session.exec(select(Person.key).order_by(col(Person.key))))
    hint = did_you_mean(person, keys)
    if not hint:
        hint = f"; ange ORG/ID, t.ex. {keys[0]}" if keys else "; inga personer är sparade än"
    raise DefinitionError(f"okänd person{hint}", field=field, value=person)


def known_body(session: Session, body: str, *, field: str = "--body") -> str:
    """``body`` when it is stored.

    Raises:
        DefinitionError: no body has that key; names the nearest key, else a real example.
    """
    if session.get(Body, body) is not None:
        return body
    keys = list(session.exec(select(Body.key).order_by(col(Body.key))))
    hint = did_you_mean(body, keys)
    if not hint:
        hint = f"; ange ORG/ORGAN, t.ex. {keys[0]}" if keys else "; inga organ är sparade än"
    raise DefinitionError(f"okänt organ{hint}", field=field, value=body)
