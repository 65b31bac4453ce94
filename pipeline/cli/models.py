"""`newsloc models …`: list, install and remove Argos Translate packages."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.support import reports_errors
from pipeline.model import ConfigError


def _folder(group: click.Context | None) -> Path:
    """--packages-dir, else $ARGOS_PACKAGES_DIR, else the project's argos_packages_dir, else Argos's default."""
    from pipeline.config import Config, load_config
    from pipeline.engines.argos_packages import packages_dir

    assert group is not None, "a models subcommand always runs inside the models group"
    if group.params.get("packages_dir"):
        return group.params["packages_dir"]
    config = group.find_object(Config) or load_config()
    return packages_dir(config.resolve(config.argos_packages_dir) if config.argos_packages_dir else None)


def _describe(package) -> str:
    return f"{package.name}\t{package.from_code} → {package.to_code}\t{package.version}\t{package.path}"


@click.group()
@click.option(
    "--packages-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Argos packages folder (default: $ARGOS_PACKAGES_DIR, then the project setting).",
)
def models(packages_dir: Path | None) -> None:
    """Manage Argos Translate model packages (.argosmodel)."""


@models.command("list")
@click.pass_context
@reports_errors
def list_packages(ctx: click.Context) -> None:
    """Show the installed packages: name, pair, version, folder."""
    from pipeline.engines.argos_packages import installed_packages

    folder = _folder(ctx.parent)
    found = installed_packages(folder)
    if not found:
        click.echo(f"no Argos packages installed in {folder}")
    for package in found:
        click.echo(_describe(package))


@models.command("install")
@click.argument("archive", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--from-index", nargs=2, metavar="FROM TO", help="Download the pair's package from the Argos index (online)."
)
@click.pass_context
@reports_errors
def install(ctx: click.Context, archive: Path | None, from_index: tuple[str, str] | None) -> None:
    """Install a package file ARCHIVE (works offline), or --from-index FROM TO (e.g. en pt-BR)."""
    from pipeline.engines.argos_packages import install_from_index, install_package_file

    if bool(archive) == bool(from_index):
        raise ConfigError("give either a package file (PATH.argosmodel) or --from-index FROM TO")
    folder = _folder(ctx.parent)
    if archive:
        package = install_package_file(archive, folder)
    else:
        assert from_index is not None  # exactly one of the two was given
        source, target = from_index
        package = install_from_index(source, target, folder)
        if package.to_code != target:
            click.echo(f"{target} uses the Argos package for '{package.to_code}'")
    click.echo(f"installed {_describe(package)}")


@models.command("remove")
@click.argument("name")
@click.pass_context
@reports_errors
def remove(ctx: click.Context, name: str) -> None:
    """Remove the installed package NAME (as shown by `models list`, e.g. translate-en_es)."""
    from pipeline.engines.argos_packages import remove_package

    for package in remove_package(name, _folder(ctx.parent)):
        click.echo(f"removed {package.name} {package.version} ({package.path})")
