"""Small stores for the tables of the plans side: budgets, alerts, projects, plans.

Each module reads and writes one table family with plain SQL on a DuckDB
connection (the ledger's ``con``, or the one a ``ledger.transaction()`` yields,
so a workflow can put several writes in one transaction) and hands back plain
rows: dicts keyed by column name. The rules (validation, merging, what a row
means) live in :mod:`infracast.control`; nothing here knows them.
"""
