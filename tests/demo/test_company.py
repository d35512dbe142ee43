"""company.yaml: the demo company's data is complete and consistent."""

from __future__ import annotations

from infracast.demo.company import load_company
from infracast.vocabulary.instances import gpu_instances


def test_every_instance_type_has_a_price() -> None:
    company = load_company()
    for slug, p in company.providers.items():
        types = [t.instance_type for t in [*p.inference, *p.training, *p.compute]]
        skus = [t.sku for t in [*p.storage, *p.egress, *p.shared]]
        missing = [t for t in types + skus if t not in p.prices]
        assert missing == [], slug


def test_gpu_workloads_use_known_gpu_instance_types_with_specs() -> None:
    company = load_company()
    known = {g.instance_type: g.gpu_type for g in gpu_instances()}
    for p in company.providers.values():
        for t in [*p.inference, *p.training]:
            assert t.instance_type in known
            assert known[t.instance_type] in company.gpus
    for group in company.onprem.servers:
        assert group.gpu_type in company.gpus


def test_teams_and_projects_are_the_declared_ones() -> None:
    company = load_company()
    pairs = {(team, project) for team, projects in company.teams.items() for project in projects}
    for p in company.providers.values():
        for t in [*p.inference, *p.training, *p.compute]:
            assert (t.team, t.project) in pairs
    for a in company.anomalies:
        if a.team:
            assert (a.team, a.project) in pairs


def test_provider_row_shares_add_up_to_one() -> None:
    company = load_company()
    assert abs(sum(p.row_share for p in company.providers.values()) - 1) < 1e-9
    for p in company.providers.values():
        assert abs(sum(p.shares.values()) - 1) < 1e-9
