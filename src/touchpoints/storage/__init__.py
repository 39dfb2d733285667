"""The database: tables, migrations and the functions the app reads and writes with."""
