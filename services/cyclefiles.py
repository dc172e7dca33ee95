"""Read the cycle files of a folder: the file I/O in front of the pure parser."""

from __future__ import annotations

from pathlib import Path

from cycle import CycleDefinition, DefinitionError, parse_cycle


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
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            raise DefinitionError(
                f"filen är inte UTF-8 (byte {error.start})", source=str(path)
            ) from None
        definition = parse_cycle(text, str(path))
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
            f"okänd organisation; kända är {known}", field="--org", value=organisation
        )
    return chosen
