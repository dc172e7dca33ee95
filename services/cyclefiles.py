"""Read the files an admin edits – every cycle file of a folder, or one decisions file –
in front of the pure parsers, with a Swedish error naming the file when one cannot be read."""

from __future__ import annotations

from pathlib import Path

from cycle import CycleDefinition, DefinitionError, parse_cycle
from cycle.suggestions import did_you_mean


def read_source(path: Path) -> str:
    """The text of a file an admin edits (a cycle or decisions file), or a Swedish error
    that names it.

    Raises:
        DefinitionError: the file cannot be read, or is not UTF-8.
    """
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DefinitionError(
            f"filen är inte UTF-8 (byte {error.start})", source=str(path)
        ) from None
    except OSError as error:
        raise DefinitionError(
            f"filen kan inte läsas ({error.strerror})", source=str(path)
        ) from None


def load_cycles(directory: Path, organisation: str | None = None) -> tuple[CycleDefinition, ...]:
    """Parse every ``*.toml`` in ``directory`` (sorted), optionally keeping one organisation.

    All files are checked even when one organisation is asked for, so two files can never
    claim the same organisation slug unnoticed.

    Raises:
        DefinitionError: a missing folder, a file that is not UTF-8 or not valid, a
            duplicate organisation, or an unknown ``organisation``.
    """
    if not directory.is_dir():
        raise DefinitionError("mappen med cykelfiler finns inte", source=str(directory))
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise DefinitionError("mappen innehåller inga cykelfiler (*.toml)", source=str(directory))
    definitions: list[CycleDefinition] = []
    seen: dict[str, str] = {}
    for path in files:
        definition = parse_cycle(read_source(path), str(path))
        slug = definition.organisation.slug
        if slug in seen:
            raise DefinitionError(
                f"organisationen finns redan i {seen[slug]}",
                source=str(path),
                field="organisation.slug",
                value=slug,
            )
        seen[slug] = str(path)
        definitions.append(definition)
    if organisation is None:
        return tuple(definitions)
    chosen = tuple(d for d in definitions if d.organisation.slug == organisation)
    if not chosen:
        known = ", ".join(sorted(seen))
        raise DefinitionError(
            f"okänd organisation{did_you_mean(organisation, seen)} (kända: {known})",
            field="--org",
            value=organisation,
        )
    return chosen
