"""Help texts shared by the commands."""

EXIT_CODES = """**Exit codes:** 0 all inputs ok, empty or skipped; 1 some inputs failed
(unreadable, binary, too large, timed out); 2 usage error (bad option, missing path);
130 interrupted (Ctrl-C, SIGTERM)."""
