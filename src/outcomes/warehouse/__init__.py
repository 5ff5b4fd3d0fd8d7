"""The embedded warehouse: DuckDB by default, any Ibis backend by URL; tables and loading."""
