"""``arbot check``: validate bot.toml and render every template against sample data.

Prints ``config OK`` and a summary when the configuration loads; then one line per
template problem (``path:line: message``). Exit status: 0 when all is well, 1 when a
template has a problem, 2 when the configuration itself is invalid.
"""

from __future__ import annotations

import typer

from bot.cli_common import state


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check_cmd(ctx: typer.Context) -> None:
        """Validate the configuration and every template (file and line for each problem)."""
        from bot.render import shipped_templates_dir, user_templates_dir
        from bot.template_check import check_templates, template_roots

        cfg = state(ctx).config()          # exits 2 with one line per config problem
        typer.echo(f"config OK: {cfg.source_path}")
        co = cfg.company
        typer.echo(f"  company: {co.name} <{co.ar_address}>, {co.timezone}, {co.currency}, language {co.language}")
        for name, campaign in cfg.campaigns.items():
            steps = ", ".join(f"{s.name}({s.offset_days:+d})" for s in campaign.steps)
            typer.echo(f"  campaign {name}: {steps}")
        user = user_templates_dir(cfg)
        if user is not None and not user.is_dir():
            typer.echo(f"{cfg.source_path}:0: templates_dir: not a directory: {user}")
            raise typer.Exit(1)
        langs = sorted({d.name for root in template_roots(cfg) if root.is_dir()
                        for d in root.iterdir()
                        # a language folder has the layout's strings; staff/ holds the digest
                        if d.is_dir() and not d.name.startswith("_") and (d / "_strings.j2").exists()})
        typer.echo(f"  templates: {user or '(shipped only)'} over {shipped_templates_dir()}; "
                   f"languages: {', '.join(langs)}")
        problems = check_templates(cfg)
        for line in problems:
            typer.echo(line)
        if problems:
            typer.echo(f"{len(problems)} template problem(s)", err=True)
            raise typer.Exit(1)
        typer.echo("templates OK")
