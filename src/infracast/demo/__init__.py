"""Deterministic synthetic data for a realistic AI company (see docs/demo.md)."""

from infracast.demo._generate import generate
from infracast.demo.manifest import Anomaly, DemoFile, DemoManifest, RuleBreak, Total

__all__ = ["Anomaly", "DemoFile", "DemoManifest", "RuleBreak", "Total", "generate"]
