"""A deterministic synthetic whole-country data set, written as ordinary cycle files.

21 regions with their 290 municipalities (the real counts per county); per region a
samverkansråd (every KSO plus the regionstyrelse chair), a direktörsberedning (every
kommundirektör) meeting monthly, a beredningsgrupp, a ledningsgrupp with the January
prioritisation and the year-end follow-up, and Stora samverkansrådet three times a year:
21 meetings per region and year at ``--scale 1``.

``--scale N`` grows each region to about N times as many meetings, the way real regions
grow: sector collaboration groups (social services, school, public health, …), each a
samverkansgrupp of one official per municipality meeting 4–12 times a year with its own
beredning of regional officials meeting a week before. Every person is invented, with an
address in the TLD reserved for examples; they are not marked ``example`` because the
benchmarks measure the mail they are sent (to a sink on 127.0.0.1, never further).
Names come from a seeded generator, so the same seed and scale give the same files.

Usage: ``python -m bench.country OUT_DIR [--seed N] [--regions N] [--scale N]``
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
SECTORS = (
    ("socialtjanst", "Socialtjänst"),
    ("skola", "Skola och utbildning"),
    ("folkhalsa", "Folkhälsa"),
    ("kompetens", "Kompetensförsörjning"),
    ("infrastruktur", "Infrastruktur och kollektivtrafik"),
    ("krisberedskap", "Krisberedskap"),
    ("halsa-vard", "Nära vård och hälsa"),
    ("naringsliv", "Näringsliv och innovation"),
    ("kultur", "Kultur"),
    ("digitalisering", "Digitalisering"),
    ("miljo", "Miljö och klimat"),
    ("integration", "Integration och etablering"),
    ("barn-unga", "Barn och unga"),
    ("aldreomsorg", "Äldreomsorg"),
    ("energi", "Energi"),
    ("bostader", "Bostadsförsörjning"),
)
BASE_MEETINGS = 21  # meetings per region and year at scale 1
MONTHS = (1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12)  # no sector group meets in July
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

    def __init__(self, rng: random.Random, region: str, slug: str) -> None:
        self.rng, self.region, self.slug, self.used = rng, region, slug, set[str]()
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
        # unique across regions (people are matched across files by address), and in
        # the TLD reserved for examples (RFC 2606), so nothing can reach a real mailbox
        email = f"{pid.replace('-', '.')}@{self.slug}.example"
        block = [
            f'[[person]]\nid = "{pid}"\nname = {_q(first + " " + last)}',
            f"title = {_q(title)}\norganisation = {_q(organisation)}",
        ]
        if party:
            block.append(f'party = "{party}"')
        block.append(f'email = "{email}"\nexample = false  # synthetic load, mailed to a sink\n')
        self.blocks.append("\n".join(block))
        return pid


def _sector_months(rng: random.Random, meetings: int) -> list[int]:
    """``meetings`` months (4–11 of them), spread over the year without July."""
    step = len(MONTHS) / meetings
    return sorted({MONTHS[int(i * step)] for i in range(meetings)})


def _sectors(
    rng: random.Random, people: _People, name: str, municipalities: int, extra: int, day: str
) -> tuple[list[str], list[str], list[str]]:
    """Sector groups giving about ``extra`` more meetings a year: (bodies, memberships,
    series) as cycle-file blocks."""
    bodies: list[str] = []
    members: list[str] = []
    series: list[str] = []
    n = 0
    while extra > 0:
        slug, title = SECTORS[n % len(SECTORS)]
        if n >= len(SECTORS):
            slug, title = f"{slug}-{n // len(SECTORS) + 1}", f"{title} {n // len(SECTORS) + 1}"
        n += 1
        count = rng.randint(4, 11)
        months = _sector_months(rng, count)
        extra -= 2 * len(months)  # the group's meetings and its beredning's
        group, prep = f"sg-{slug}", f"sb-{slug}"
        bodies.append(
            f'[[body]]\nslug = "{group}"\nname = {_q(f"Samverkansgrupp {title} {name}")}\n'
            'kind = "samverkansgrupp"\n'
        )
        bodies.append(
            f'[[body]]\nslug = "{prep}"\nname = {_q(f"Beredning {title} {name}")}\n'
            'kind = "beredningsgrupp"\npublic = false\n'
        )
        for i in range(1, municipalities + 1):
            town = f"{name.removeprefix('Region ')} kommun {i}"
            chief = people.add(f"förvaltningschef, {title.lower()}", town)
            role = "ordförande" if i == 1 else "ledamot"
            members.append(
                f'[[membership]]\nperson = "{chief}"\nbody = "{group}"\nrole = "{role}"\n'
            )
        for k in range(rng.randint(3, 5)):
            official = people.add(f"regionutvecklare, {title.lower()}", name)
            role = "sammankallande" if k == 0 else "ledamot"
            for body in (prep, group) if k == 0 else (prep,):
                members.append(
                    f'[[membership]]\nperson = "{official}"\nbody = "{body}"\nrole = "{role}"\n'
                )
        week = rng.randint(2, 3)
        bymonth = ",".join(map(str, months))
        series.append(
            f'[[series]]\nid = "{group}"\nbody = "{group}"\n'
            f'title = {_q(f"Samverkansgrupp {title}")}\nkind = "samverkansgrupp"\n'
            f'rrule = "FREQ=YEARLY;BYMONTH={bymonth};BYDAY={week}{day}"\n'
            f'start = "13:00"\nduration_minutes = 120\nlocation = "Regionens hus"\n'
            f'chain = "{group}"\n'
        )
        series.append(
            f'[[chain]]\nid = "{group}"\nname = {_q(f"Beredning inför {title.lower()}")}\n\n'
            f'[[chain.step]]\nid = "kallelse"\ntitle = "Skicka kallelse"\noffset = -10\n'
            f'assign = "role:sammankallande@{prep}"\n\n'
            f'[[chain.step]]\nid = "handlingar"\ntitle = "Skicka handlingar"\noffset = -5\n'
            f'assign = "body:{prep}"\n\n'
            f'[[chain.step]]\nid = "anteckningar"\ntitle = "Skriv minnesanteckningar"\n'
            f'offset = 5\nassign = "role:sammankallande@{prep}"\n'
        )
        series.append(
            f'[[series]]\nid = "{prep}"\nbody = "{prep}"\n'
            f'title = {_q(f"Beredning {title}")}\nkind = "möte"\n'
            f'rrule = "FREQ=YEARLY;BYMONTH={bymonth};BYDAY={week - 1}{day}"\n'
            f'start = "10:00"\nduration_minutes = 90\nlocation = "Digitalt"\n'
        )
    return bodies, members, series


def region_file(slug: str, name: str, municipalities: int, seed: int, scale: int = 1) -> str:
    """The cycle file text of one synthetic region, about ``scale`` times the size of
    its base cycle (see the module docstring)."""
    rng = random.Random(f"{seed}/{slug}")
    people = _People(rng, name, slug)
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
    sector_bodies, sector_members, sector_series = _sectors(
        random.Random(f"{seed}/{slug}/sectors"),
        people,
        name,
        municipalities,
        (scale - 1) * BASE_MEETINGS,
        day,
    )
    head = (
        f"# Syntetisk region för benchmark (seed {seed}, skala {scale}); "
        "alla personer är påhittade.\n"
        f'format = 1\n\n[organisation]\nslug = "{slug}"\nname = {_q(name)}\n'
    )
    blocks = [head, bodies, *sector_bodies, *people.blocks, *members, *sector_members]
    return "\n".join([*blocks, CHAINS, series, *sector_series])


def write_country(
    out: Path, *, seed: int = 2026, regions: int = len(REGIONS), scale: int = 1
) -> list[Path]:
    """Write one cycle file per region into ``out`` (``scale`` as in the module
    docstring); returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for slug, name, municipalities in REGIONS[:regions]:
        path = out / f"{slug}.toml"
        path.write_text(region_file(slug, name, municipalities, seed, scale), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description="Skriv ett syntetiskt helt land som cykelfiler.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--regions", type=int, default=len(REGIONS))
    parser.add_argument("--scale", type=int, default=1, help="gånger dagens storlek (1–50)")
    args = parser.parse_args()
    if not 1 <= args.scale <= 50:
        parser.error("--scale ska vara mellan 1 och 50")
    paths = write_country(args.out, seed=args.seed, regions=args.regions, scale=args.scale)
    print(f"{len(paths)} cykelfiler i {args.out}")


if __name__ == "__main__":
    main()
