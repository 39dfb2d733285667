"""The ``touchpoints`` command: thin commands over the library.

Each command reads a registration file, calls the engine and prints. Errors the
library raises on purpose come out as one clear line and exit code 1; usage
errors exit with 2 (click's convention).
"""

from __future__ import annotations

import click

from touchpoints import __version__
from touchpoints.cli._shared import ErrorsAsMessages
from touchpoints.cli.engine import match, topics
from touchpoints.cli.pairs import pairs
from touchpoints.cli.plans import plan, repair
from touchpoints.cli.serve import serve

__all__ = ["cli"]


@click.group(cls=ErrorsAsMessages)
@click.version_option(__version__, prog_name="touchpoints")
def cli() -> None:
    """Find one real point of common interest between the people at an event."""


for _command in (topics, match, plan, repair, pairs, serve):
    cli.add_command(_command)
