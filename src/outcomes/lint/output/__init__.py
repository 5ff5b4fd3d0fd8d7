"""How findings are written: text for people (`text`), JSON and SARIF for tools (`machine`)."""
