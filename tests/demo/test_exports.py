import infracast.demo as demo


def test_public_names_are_pinned() -> None:
    assert demo.__all__ == ["Anomaly", "DemoFile", "DemoManifest", "RuleBreak", "Total", "generate"]


def test_every_public_name_exists() -> None:
    for name in demo.__all__:
        assert getattr(demo, name) is not None, name
