"""`python -m kubelint`."""

from .cli import main

main(prog_name="kubelint")
