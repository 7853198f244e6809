"""`python -m kubelint`."""

from .cli import run

run()
