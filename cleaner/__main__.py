"""``python -m cleaner``: the command line."""

from .cli import main

main()
