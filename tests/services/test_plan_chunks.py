"""How plan-year shares the country between workers: groups of about equal work."""

from __future__ import annotations

from pathlib import Path

from bench.country import write_country
from services.cyclefiles import load_cycles
from services.plan import balanced_chunks


def test_the_country_is_shared_in_groups_of_about_equal_work(tmp_path: Path) -> None:
    write_country(tmp_path, regions=21)
    definitions = load_cycles(tmp_path)
    weight = {d.organisation.slug: len(d.memberships) + 12 * len(d.series) for d in definitions}
    for workers in (2, 3, 5):
        groups = balanced_chunks(definitions, workers)
        assert len(groups) == workers
        assert sorted(s for g in groups for s in g) == sorted(weight)  # each once
        loads = [sum(weight[s] for s in g) for g in groups]
        # no group carries more than the even share plus the largest organisation
        assert max(loads) <= sum(loads) / workers + max(weight.values())
        assert groups == balanced_chunks(list(reversed(definitions)), workers)


def test_fewer_organisations_than_workers_gives_one_group_each(tmp_path: Path) -> None:
    write_country(tmp_path, regions=2)
    definitions = load_cycles(tmp_path)
    assert sorted(balanced_chunks(definitions, 5)) == [["stockholm"], ["uppsala"]]
    assert balanced_chunks(definitions, 1) == [["stockholm", "uppsala"]]
