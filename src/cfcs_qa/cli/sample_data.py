"""``cfcs-qa sample-data``: write a synthetic, realistic extract (no real child in it)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UserError


def register(app: typer.Typer) -> None:
    app.command(
        "sample-data",
        help="Write a SYNTHETIC, realistic extract (every contract table, Guernsey-sized by "
        "default, with a few deliberate data-quality problems unless --clean) to "
        "--output-dir. Same options = byte-identical files. Example: cfcs-qa sample-data "
        "--output-dir demo-data --clean; for a benchmark: --children 300000 --months 120.",
    )(sample_data)


def sample_data(
    output_dir: Annotated[Path, typer.Option("--output-dir", help="Folder to write into.")],
    children: Annotated[int, typer.Option(
        "--children", help="About how many children the extract describes; yearly volumes "
        "scale with it (3000 = Guernsey-sized: ~600 referrals a year).")] = 3000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 20261120,
    months: Annotated[int, typer.Option("--months", help="Months of history.")] = 36,
    anchor: Annotated[str, typer.Option(
        "--anchor", help="Extract date YYYY-MM-DD the history ends at.")] = "2026-11-20",
    clean: Annotated[bool, typer.Option(
        "--clean", help="Leave out the deliberate data-quality problems.")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Write into a non-empty folder that is not a previous output.")] = False,
) -> None:
    from ..synth.options import SynthOptions
    from ..synth.writer import folder_is_empty, is_previous_output, write_sample_data
    from .common import parse_date

    anchor_date = parse_date(anchor, "--anchor")
    assert anchor_date is not None
    if children < 50:
        raise UserError(f"--children {children} is too small: give 50 or more (default 3000).")
    if not 1 <= months <= 600:
        raise UserError(f"--months {months} is out of range: give 1 to 600 (default 36).")
    if seed < 0:
        raise UserError(f"--seed {seed} must be zero or more.")
    if output_dir.exists() and not output_dir.is_dir():
        raise UserError(f"--output-dir {output_dir} is a file, not a folder. Give a folder.")
    if not (folder_is_empty(output_dir) or is_previous_output(output_dir) or force):
        raise UserError(
            f"--output-dir {output_dir} is not empty and does not hold a previous sample-data "
            "output (no _SYNTHETIC marker), so nothing was written. Choose an empty or new "
            "folder, or add --force to write the files into it anyway."
        )
    opts = SynthOptions(children=children, seed=seed, months=months, anchor=anchor_date,
                        clean=clean)
    written = write_sample_data(opts, output_dir)
    total = sum(written.rows.values())
    sys.stdout.write(
        f"SYNTHETIC SAMPLE DATA: wrote {len(written.rows)} tables ({total:,} rows) to "
        f"{output_dir}; extract date {anchor_date.isoformat()}"
        + ("" if clean else f"; {len(written.problems)} deliberate data-quality problems "
           "(see README.md there)") + ".\n"
    )
