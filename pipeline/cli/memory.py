"""`newsloc tm import|export|stats`: the project's translation memory. Each command makes one library call.

The memory is every reviewed entry of every catalog plus the TMX files in tm/; its
SQLite index (.newsloc/memory.sqlite3) is a cache the commands and builds refresh.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from pipeline.cli.support import LOCALE_HELP, project_options, reports_errors

# The library is imported inside each command: `newsloc --help` must not load lxml or sqlite.


@click.group("tm")
def tm() -> None:
    """Translation memory: reviewed work reused across articles; TMX 1.4b in and out."""


@tm.command("export")
@click.argument("tmx_file", metavar="FILE.tmx", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", default="all", show_default=True, help=LOCALE_HELP)
@project_options
@reports_errors
def export_command(tmx_file: Path, lang: str, config) -> None:
    """Write the memory as FILE.tmx (TMX 1.4b; one unit per distinct reviewed translation)."""
    from pipeline.memory.store import export_tmx

    exported = export_tmx(config, tmx_file, config.pick_locales(lang))
    click.echo(f"wrote {exported.path} ({exported.units} units)")


@tm.command("import")
@click.argument("tmx_file", metavar="FILE.tmx", type=click.Path(dir_okay=False, path_type=Path))
@project_options
@reports_errors
def import_command(tmx_file: Path, config) -> None:
    """Add FILE.tmx's new units to the memory as tm/<name>.tmx (units already known change nothing)."""
    from pipeline.memory.store import import_tmx
    from pipeline.project import relative

    result = import_tmx(config, tmx_file)
    where = f"wrote {relative(config, result.written)}" if result.written else "nothing written"
    skipped = f", {result.skipped} skipped (no English and target)" if result.skipped else ""
    click.echo(f"{tmx_file}: {result.new} new unit(s), {result.known} already known{skipped}; {where}")


@tm.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@project_options
@reports_errors
def stats_command(as_json: bool, config) -> None:
    """How many units the memory holds, per locale and by origin (catalogs, TMX files)."""
    from pipeline.memory.store import memory_stats
    from pipeline.project import relative

    stats = memory_stats(config)
    counts = stats.counts
    if as_json:
        payload = {
            "units": counts.units,
            "locales": dict(counts.by_locale),
            "catalog_units": counts.catalog_units,
            "tmx_units": counts.tmx_units,
            "files": stats.sources,
            "cache": relative(config, stats.cache),
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{counts.units} unit(s) from {stats.sources} file(s): {counts.catalog_units} from catalogs, "
        f"{counts.tmx_units} from TMX"
    )
    for tag, units in counts.by_locale:
        click.echo(f"  {tag}: {units}")
    click.echo(f"index: {relative(config, stats.cache)} (a cache: delete it any time)")
