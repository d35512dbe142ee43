"""Control: budgets and alerts, earned value of projects, plans against actuals, over the ledger."""

__all__: list[str] = []
