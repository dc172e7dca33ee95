"""``arshjul db upgrade|current``: the schema's migration version."""

from __future__ import annotations

from models.database import describe_url, make_engine
from models.schema import current, head, upgrade_schema

from .arguments import DATABASE, Command, Invocation, option


def database(call: Invocation) -> int:
    """Upgrade the schema to the newest migration, or show the database's version."""
    url = call.settings.database_url
    engine = make_engine(url)
    try:
        before = current(engine)
        if call.args.action == "upgrade":
            upgrade_schema(engine)
            after = current(engine)
            change = "redan senaste" if before == after else f"från {before or 'tom'}"
            call.say(f"Databasen {describe_url(url)} har version {after} ({change}).")
        else:
            state = "senaste" if before == head() else f"senaste är {head()}"
            call.say(
                f"Databasen {describe_url(url)} har version {before or 'ingen (tom)'} ({state})."
            )
    finally:
        engine.dispose()
    return 0


COMMANDS = (
    Command(
        "db",
        "databasens schema: uppgradera eller visa version",
        "Kör databasmigreringarna (Alembic) till senaste "
        "versionen, eller visar vilken version databasen har.",
        (
            option(
                "action",
                choices=["upgrade", "current"],
                metavar="ÅTGÄRD",
                help="upgrade (till senaste versionen) eller current (visa versionen)",
            ),
            DATABASE,
        ),
        database,
    ),
)
