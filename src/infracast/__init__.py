"""infracast: the cost of AI infrastructure, estimated, accounted, forecast, optimized, controlled."""

__version__ = "0.1.0"
