"""On PostgreSQL, trigram (pg_trgm) GIN indexes on each ledger's ``search_text``, so that the
lists' free-text search (``search_text LIKE '%…%'``) finds names, case numbers and firms of
three characters or more without reading the whole table. Other databases have no such index
and scan; this migration changes nothing there, nor the models' state (DESIGN.md: PostgreSQL
extras are additive).

Measured on 1,000,000 records (350,000 in the interference ledger): a three-character name
0.2 ms instead of 98 ms, a full case number 7 ms. A query of one or two characters (a two-
character Chinese name) has no trigram and still scans.
"""

from django.db import migrations

TABLES = {
    "ledg_intf": "ledgers_interferencerecord",
    "ledg_cont": "ledgers_contactcase",
    "ledg_appr": "ledgers_contactapproval",
    "ledg_rept": "ledgers_unplannedcontactreport",
    "ledg_rel": "ledgers_relativepractice",
    "ledg_dep": "ledgers_departurerecord",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm", params=None)
    for prefix, table in TABLES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {prefix}_search_trgm ON {table} "
            "USING gin (search_text gin_trgm_ops)",
            params=None,
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for prefix in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {prefix}_search_trgm", params=None)


class Migration(migrations.Migration):
    dependencies = [("ledgers", "0001_ledgers")]

    operations = [migrations.RunPython(create, drop)]
