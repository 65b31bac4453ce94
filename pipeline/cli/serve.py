"""`newsloc serve`: the review pages as an editor in the browser (pipeline/serve/)."""

from __future__ import annotations

import click

from pipeline.cli.support import LOCALE_HELP, project_options, reports_errors


@click.command("serve")
@click.option("--lang", default="all", show_default=True, help=LOCALE_HELP)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Allow a --host other machines can reach (anyone with the printed address can then edit).",
)
@project_options
@reports_errors
def serve(lang: str, port: int, host: str, allow_remote: bool, config) -> None:
    """Edit the review pages in the browser: fix a segment where it reads, mark it reviewed, silence a flag.

    Saves go into the PO catalogs (atomically, under their lock, refused if the file changed
    since the page loaded). Open the printed address: it carries this run's secret token.
    """
    from pipeline.serve.app import serve as run

    run(
        config,
        config.pick_locales(lang),
        host=host,
        port=port,
        allow_remote=allow_remote,
        announce=lambda url: click.echo(f"newsloc serve: review and edit at {url}\n(press Ctrl+C to stop)"),
        warn=lambda text: click.echo(f"newsloc: {text}", err=True),
    )
