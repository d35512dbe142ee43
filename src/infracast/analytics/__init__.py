"""Cost analytics over the ledger, as Ibis expressions (DuckDB by default).

Each capability has an expression builder over the ``charges`` (and
``usage_samples``) tables and a function that runs it on a
:class:`~infracast.ledger.connection.Ledger` and returns plain data.
"""

from infracast.analytics.costs import cost_by, costs
from infracast.analytics.dimensions import check_dimensions, dimension, dimension_names
from infracast.analytics.filters import Filter, apply_filters, parse_filter, parse_filters
from infracast.analytics.gpu import gpu_efficiency, gpu_efficiency_by
from infracast.analytics.movers import Movers, movers_by, top_movers
from infracast.analytics.periods import Period
from infracast.analytics.savings import savings, savings_by
from infracast.analytics.showback import Showback, showback

__all__ = [
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
