"""Cost analytics over the ledger, as Ibis expressions (DuckDB by default).

Each capability has an expression builder over the ``charges`` (and
``usage_samples``) tables and a function that runs it on a
:class:`~infracast.ledger.connection.Ledger` and returns plain data.
"""

from infracast.analytics._costs import check_metric, cost_by, costs
from infracast.analytics._coverage import Coverage, coverage, coverage_of
from infracast.analytics._savings import savings, savings_by
from infracast.analytics._showback import Showback, showback
from infracast.analytics.actuals import actual_cost_by, charged_projects, project_actuals
from infracast.analytics.commitments import CommitmentUtilization, commitment_utilization
from infracast.analytics.dimensions import check_dimensions, dimension, dimension_names
from infracast.analytics.drivers import Drivers, change_drivers
from infracast.analytics.filters import Filter, apply_filters, parse_filter, parse_filters
from infracast.analytics.gpu import gpu_efficiency, gpu_efficiency_by
from infracast.analytics.movers import Movers, movers_by, top_movers
from infracast.analytics.observed_prices import ObservedPrices, prices_from_ledger, read_observed
from infracast.analytics.periods import Period
from infracast.analytics.series import ForecastSeries, cost_series, gpu_hours_series

__all__ = [
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
