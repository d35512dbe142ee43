"""Finance: cash flows, ROI, NPV, IRR, payback, sensitivity and Monte Carlo risk (pure)."""

__all__: list[str] = []
