"""The bundled site rule files (``*.toml``): data, never code.

This folder is installed as the package ``cleaner._bundled_rules`` only so
that the rule files ship inside the wheel; nothing here is imported.
"""
