"""A deterministic synthetic whole-country data set, written as ordinary cycle files.

21 regions with their 290 municipalities (the real counts per county); per region a
samverkansråd (every KSO plus the regionstyrelse chair), a direktörsberedning (every
kommundirektör) meeting monthly, a beredningsgrupp, a ledningsgrupp with the January
prioritisation and the year-end follow-up, and Stora samverkansrådet three times a year.
Every person is invented (``example = true``); names come from a seeded generator.

Usage: ``python -m bench.country OUT_DIR [--seed N] [--regions N]``
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

# (slug, name, municipalities) – the municipality counts are Sweden's, 290 in all
REGIONS: tuple[tuple[str, str, int], ...] = (
    ("stockholm", "Region Stockholm", 26),
    ("uppsala", "Region Uppsala", 8),
    ("sormland", "Region Sörmland", 9),
    ("ostergotland", "Region Östergötland", 13),
    ("jonkoping", "Region Jönköpings län", 13),
    ("kronoberg", "Region Kronoberg", 8),
    ("kalmar", "Region Kalmar län", 12),
    ("gotland", "Region Gotland", 1),
    ("blekinge", "Region Blekinge", 5),
    ("skane", "Region Skåne", 33),
    ("halland", "Region Halland", 6),
    ("vastra-gotaland", "Västra Götalandsregionen", 49),
    ("varmland", "Region Värmland", 16),
    ("orebro", "Region Örebro län", 12),
    ("vastmanland", "Region Västmanland", 10),
    ("dalarna", "Region Dalarna", 15),
    ("gavleborg", "Region Gävleborg", 10),
    ("vasternorrland", "Region Västernorrland", 7),
    ("jamtland", "Region Jämtland Härjedalen", 8),
    ("vasterbotten", "Region Västerbotten", 15),
    ("norrbotten", "Region Norrbotten", 14),
)
FIRST = (
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Karin",
    "Anders",
    "Eva",
    "Johan",
    "Lena",
    "Per",
    "Kerstin",
    "Mikael",
    "Ingrid",
    "Nils",
    "Sara",
    "Olof",
    "Emma",
    "Jonas",
    "Elin",
    "Magnus",
    "Sofia",
    "Henrik",
    "Malin",
    "Fredrik",
    "Ulla",
    "Gustav",
    "Linnéa",
    "Björn",
    "Åsa",
    "Örjan",
)
LAST = (
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Lindberg",
    "Lindqvist",
    "Holm",
    "Berg",
    "Sjöberg",
    "Åkesson",
    "Öberg",
)
PARTIES = ("S", "M", "C", "V", "KD", "L", "MP", "SD")
ASCII = str.maketrans("åäöéÅÄÖÉ", "aaoeAAOE")

CHAINS = """
[[chain]]
id = "rad"
name = "Beredning inför rådsmöte"

[[chain.step]]
id = "arenden"
title = "Begär in ärenden till dagordningen"
offset = -15
assign = "body:beredningsgrupp"

[[chain.step]]
id = "kallelse"
title = "Skicka kallelse med dagordning"
offset = -10
assign = "role:sammankallande@beredningsgrupp"

[[chain.step]]
id = "handlingar"
title = "Skicka handlingar"
offset = -5
assign = "body:beredningsgrupp"

[[chain.step]]
id = "minnesanteckningar"
title = "Skriv minnesanteckningar"
offset = 5
assign = "role:sammankallande@beredningsgrupp"

[[chain]]
id = "forum"
name = "Beredning inför Stora samverkansrådet"

[[chain.step]]
id = "inbjudan"
title = "Skicka inbjudan"
offset = -40
assign = "role:sammankallande@beredningsgrupp"

[[chain.step]]
id = "anmalan"
title = "Sista anmälningsdag – sammanställ deltagarlista"
offset = -10
assign = "body:beredningsgrupp"

[[chain.step]]
id = "dokumentation"
title = "Publicera dokumentation"
offset = 10
assign = "body:beredningsgrupp"
"""


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _People:
    """Invented, unique people of one region."""

    def __init__(self, rng: random.Random, region: str) -> None:
        self.rng, self.region, self.used = rng, region, set[str]()
        self.blocks: list[str] = []

    def add(self, title: str, organisation: str, party: str | None = None) -> str:
        while True:
            first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
            pid = f"{first}-{last}".lower().translate(ASCII)
            n = 2
            while pid in self.used:
                pid, n = f"{first}-{last}-{n}".lower().translate(ASCII), n + 1
            break
        self.used.add(pid)
        email = f"{pid.replace('-', '.')}@example.se"
        block = [
            f'[[person]]\nid = "{pid}"\nname = {_q(first + " " + last)}',
            f"title = {_q(title)}\norganisation = {_q(organisation)}",
        ]
        if party:
            block.append(f'party = "{party}"')
        block.append(f'email = "{email}"\nexample = true\n')
        self.blocks.append("\n".join(block))
        return pid


def region_file(slug: str, name: str, municipalities: int, seed: int) -> str:
    """The cycle file text of one synthetic region."""
    rng = random.Random(f"{seed}/{slug}")
    people = _People(rng, name)
    members: list[str] = []

    def member(person: str, body: str, role: str, side: str | None = None) -> None:
        extra = f'\nside = "{side}"' if side else ""
        members.append(
            f'[[membership]]\nperson = "{person}"\nbody = "{body}"\nrole = "{role}"{extra}\n'
        )

    chair = people.add("regionstyrelsens ordförande", name, rng.choice(PARTIES))
    member(chair, "radet", "ordförande", "majoritet")
    director = people.add("regiondirektör", name)
    member(director, "direktorsberedning", "sammankallande")
    member(director, "ledningsgrupp", "ledamot")
    member(chair, "ledningsgrupp", "ordförande")
    for i in range(1, municipalities + 1):
        town = f"{name.removeprefix('Region ')} kommun {i}"
        kso = people.add("kommunstyrelsens ordförande", town, rng.choice(PARTIES))
        member(kso, "radet", "ledamot", rng.choice(("majoritet", "opposition")))
        member(kso, "forum", "ledamot")
        kd = people.add("kommundirektör", town)
        member(kd, "direktorsberedning", "ledamot")
        member(kd, "radet", "adjungerad")
    for n in range(4):
        official = people.add("regionutvecklare", name)
        member(official, "beredningsgrupp", "sammankallande" if n == 0 else "ledamot")
    bodies = f"""
[[body]]
slug = "radet"
name = "Samverkansrådet {name}"
kind = "samverkansråd"

[[body]]
slug = "direktorsberedning"
name = "Direktörsberedningen {name}"
kind = "direktörsberedning"

[[body]]
slug = "ledningsgrupp"
name = "Ledningsgruppen {name}"
kind = "ledningsgrupp"

[[body]]
slug = "forum"
name = "Stora samverkansrådet {name}"
kind = "forum"
guests = ["Länsstyrelsen", "Lärosätet i länet", "Almi", "Arbetsförmedlingen"]

[[body]]
slug = "beredningsgrupp"
name = "Beredningsgruppen {name}"
kind = "beredningsgrupp"
public = false
"""
    day = rng.choice(("MO", "TU", "WE", "TH", "FR"))
    series = f"""
[[series]]
id = "rad"
body = "radet"
title = "Samverkansrådet"
rrule = "FREQ=YEARLY;BYMONTH=2,4,6,9,11;BYDAY=2{day}"
start = "09:30"
duration_minutes = 180
location = "Regionens hus"
chain = "rad"

[[series]]
id = "direktorsberedning"
body = "direktorsberedning"
title = "Direktörsberedning"
kind = "beredning"
rrule = "FREQ=MONTHLY;BYDAY=1{day}"
start = "08:30"
duration_minutes = 150
location = "Regionens hus"
chain = "rad"
summer_break = {{ from = "07-01", to = "07-31" }}

[[series]]
id = "prioritering"
body = "ledningsgrupp"
title = "Januariprioritering"
kind = "prioritering"
rrule = "FREQ=YEARLY;BYMONTH=1;BYDAY=3{day}"
start = "09:00"
duration_minutes = 240
location = "Regionens hus"
chain = "rad"

[[series]]
id = "uppfoljning"
body = "ledningsgrupp"
title = "Årsuppföljning"
kind = "uppföljning"
rrule = "FREQ=YEARLY;BYMONTH=11;BYDAY=-1{day}"
start = "09:00"
duration_minutes = 240
location = "Regionens hus"
chain = "rad"

[[series]]
id = "forum"
body = "forum"
title = "Stora samverkansrådet"
kind = "forum"
rrule = "FREQ=YEARLY;BYMONTH=3,5,10;BYDAY=3{day}"
start = "10:00"
duration_minutes = 300
location = "Konserthuset"
chain = "forum"
"""
    head = (
        f"# Syntetisk region för benchmark (seed {seed}); alla personer är påhittade.\n"
        f'format = 1\n\n[organisation]\nslug = "{slug}"\nname = {_q(name)}\n'
    )
    return "\n".join([head, bodies, *people.blocks, *members, CHAINS, series])


def write_country(out: Path, *, seed: int = 2026, regions: int = len(REGIONS)) -> list[Path]:
    """Write one cycle file per region into ``out``; returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for slug, name, municipalities in REGIONS[:regions]:
        path = out / f"{slug}.toml"
        path.write_text(region_file(slug, name, municipalities, seed), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description="Skriv ett syntetiskt helt land som cykelfiler.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--regions", type=int, default=len(REGIONS))
    args = parser.parse_args()
    paths = write_country(args.out, seed=args.seed, regions=args.regions)
    print(f"{len(paths)} cykelfiler i {args.out}")


if __name__ == "__main__":
    main()
