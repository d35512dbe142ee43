import infracast.analytics as analytics


def test_public_names_are_pinned() -> None:
    assert analytics.__all__ == [
        "CommitmentUtilization",
        "Coverage",
        "Drivers",
        "Filter",
        "ForecastSeries",
        "Movers",
        "ObservedPrices",
        "Period",
        "Showback",
        "actual_cost_by",
        "apply_filters",
        "change_drivers",
        "charged_projects",
        "check_dimensions",
        "check_metric",
        "commitment_utilization",
        "cost_by",
        "cost_series",
        "costs",
        "coverage",
        "coverage_of",
        "dimension",
        "dimension_names",
        "gpu_efficiency",
        "gpu_efficiency_by",
        "gpu_hours_series",
        "movers_by",
        "parse_filter",
        "parse_filters",
        "prices_from_ledger",
        "project_actuals",
        "read_observed",
        "savings",
        "savings_by",
        "showback",
        "top_movers",
    ]


def test_every_public_name_exists() -> None:
    for name in analytics.__all__:
        assert getattr(analytics, name) is not None, name
