import infracast.analytics as analytics


def test_public_names_are_pinned() -> None:
    assert analytics.__all__ == [
        "Filter",
        "Movers",
        "Period",
        "Showback",
        "apply_filters",
        "check_dimensions",
        "cost_by",
        "costs",
        "dimension",
        "dimension_names",
        "gpu_efficiency",
        "gpu_efficiency_by",
        "movers_by",
        "parse_filter",
        "parse_filters",
        "savings",
        "savings_by",
        "showback",
        "top_movers",
    ]


def test_every_public_name_exists() -> None:
    for name in analytics.__all__:
        assert getattr(analytics, name) is not None, name
