"""Write a synthetic extract to a folder: one CSV per contract table, a ``_SYNTHETIC``
marker and a README saying what it is and which problems were put in on purpose."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from ..contract import TABLES
from ..fileio import ensure_dir, write_bytes, write_text
from .draw import day
from .generate import Built, build
from .options import DEFAULT_ANCHOR, DEFAULT_CHILDREN, DEFAULT_MONTHS, DEFAULT_SEED, SynthOptions
from .problems import Problem, inject
from .render import DateText, render_table
from .tables import Frame

MARKER = "_SYNTHETIC"
MARKER_HEADING = "SYNTHETIC SAMPLE DATA"


@dataclass
class Written:
    folder: Path
    rows: dict[str, int]
    problems: list[Problem] = field(default_factory=list)


def is_previous_output(folder: Path) -> bool:
    """True when ``folder`` holds a previous ``sample-data`` output (its marker file)."""
    marker = folder / MARKER
    try:
        return marker.is_file() and marker.read_text("utf-8").startswith(MARKER_HEADING)
    except OSError:
        return False


def write_sample_data(opts: SynthOptions, folder: Path) -> Written:
    """Generate and write the extract, one table at a time; each file is written atomically."""
    built = build(opts)
    headline = headline_figures(built, opts)
    frames = all_frames(built)
    del built
    dates = DateText([v for f in frames.values() for k, v in f.items()
                      if k.endswith("_date") or k == "date_of_birth"])
    ensure_dir(folder)
    written = Written(folder=folder, rows={})
    for name in TABLES:
        table = render_table(name, frames.pop(name), dates)
        if not opts.clean:
            table, problems = inject(name, table)
            written.problems += problems
        write_bytes(folder / f"{name}.csv", csv_bytes(table))
        written.rows[name] = table.num_rows
        del table
    write_text(folder / MARKER, marker_text(opts))
    write_text(folder / "README.md", readme_text(opts, written.rows, written.problems,
                                                 headline))
    return written


def all_frames(built: Built) -> dict[str, Frame]:
    frames = dict(built.frames)
    frames["children"] = _children(built)
    frames["staff"] = {k: built.staff[k].to_numpy().astype(str) for k in built.staff.columns}
    for flag_column in ("active", "auditor"):
        text = frames["staff"][flag_column]
        frames["staff"][flag_column] = np.where(text == "Y", 1.0, np.where(text == "N", 0.0,
                                                                           np.nan))
    frames["population"] = {k: built.population[k].to_numpy() for k in built.population.columns}
    return frames


def _children(built: Built) -> Frame:
    pool, who = built.pool, built.children
    dob = pool.dob[who]
    unborn = dob > built.anchor
    rng = np.random.Generator(np.random.PCG64(int(who.size)))
    disability = pool.disabled[who].astype(float)
    disability[rng.random(who.size) < 0.02] = np.nan
    return {
        "child_id": who,
        "date_of_birth": np.where(unborn, np.nan, dob),
        "gender": np.where(unborn, "unknown", pool.gender[who]),
        "ethnicity": np.where(unborn, "", pool.ethnicity[who]),
        "disability": np.where(unborn, np.nan, disability),
        "family_id": pool.family[who],
    }


def csv_bytes(table: pa.Table) -> bytes:
    """Plain CSV as report writers export it: no quotes unless a value needs them (it then
    quotes all text), blanks empty, LF line ends."""
    header = (",".join(table.column_names) + "\n").encode("utf-8")
    for style in ("none", "needed"):
        out = io.BytesIO()
        out.write(header)
        if not table.num_rows:
            return out.getvalue()
        try:
            pacsv.write_csv(table, out, write_options=pacsv.WriteOptions(
                include_header=False, quoting_style=style, batch_size=65536))
        except pa.ArrowInvalid:  # a value holds a comma, quote or line break
            continue
        return out.getvalue()
    raise AssertionError("unreachable")


def command_line(opts: SynthOptions) -> str:
    parts = ["cfcs-qa sample-data --output-dir DIR"]
    if opts.children != DEFAULT_CHILDREN:
        parts.append(f"--children {opts.children}")
    if opts.seed != DEFAULT_SEED:
        parts.append(f"--seed {opts.seed}")
    if opts.months != DEFAULT_MONTHS:
        parts.append(f"--months {opts.months}")
    if opts.anchor != DEFAULT_ANCHOR:
        parts.append(f"--anchor {opts.anchor.isoformat()}")
    if opts.clean:
        parts.append("--clean")
    return " ".join(parts)


def marker_text(opts: SynthOptions) -> str:
    return (f"{MARKER_HEADING}\n"
            "Made by cfcs-qa sample-data. No real child, family or member of staff is "
            "described.\n"
            f"children: {opts.children}\nseed: {opts.seed}\nmonths: {opts.months}\n"
            f"anchor: {opts.anchor.isoformat()}\nclean: {str(opts.clean).lower()}\n")


def headline_figures(built: Built, opts: SynthOptions) -> dict[str, int | str]:
    """What a reader of the README checks first, at the end of the last complete month."""
    month_end = day(date(opts.anchor.year, opts.anchor.month, 1)) - 1
    f = built.frames

    def open_children(frame: Frame, mask: np.ndarray | None = None) -> int:
        on = (frame["start_date"] <= month_end) & ~(frame["end_date"] <= month_end)
        if mask is not None:
            on &= mask
        return int(np.unique(frame["child_id"][on]).size)

    year = (f["referrals"]["referral_date"] > month_end - 365) & (
        f["referrals"]["referral_date"] <= month_end)
    contacts = (f["contacts"]["received_date"] > month_end - 365) & (
        f["contacts"]["received_date"] <= month_end)
    return {
        "month end": str(np.datetime64(int(month_end), "D")),
        "children on a CP plan": open_children(f["cp_plans"]),
        "children in full-time care": open_children(f["cic_episodes"],
                                                    f["cic_episodes"]["full_time"] == 1),
        "children with a CIN plan": open_children(f["cin_plans"]),
        "referrals in the 12 months to the month end": int(year.sum()),
        "contacts in the 12 months to the month end": int(contacts.sum()),
        "children in the extract": int(built.children.size),
    }


def readme_text(opts: SynthOptions, rows: dict[str, int], problems: list[Problem],
                headline: dict[str, int | str]) -> str:
    lines = [
        f"# {MARKER_HEADING}",
        "",
        "Everything in this folder is **synthetic**: made up by `cfcs-qa sample-data`, a seeded",
        "generator. No real child, family or member of staff is described; staff names and",
        "emails are invented too.",
        "",
        f"- Extract date (anchor): {opts.anchor.isoformat()} — use `--as-of "
        f"{opts.anchor.isoformat()}` for results that match it.",
        f"- History: {opts.months} months ending at the anchor; seed {opts.seed}; "
        f"children option {opts.children}.",
        "- Dates: dd/mm/yyyy (MOSAIC style; contacts' received_date with a time), except "
        "foster_households, complaints and practice_reviews (yyyy-mm-dd). Flags Y/N (Yes/No "
        "on cp_conferences).",
        "- Seven teams (MASH, Assessment Team, Family Support Team, Child Protection Team, "
        "Children in Care Team, Leaving Care Team, Children's Disability Service); staff hold "
        "every audit role, a few have left (active = N).",
        "",
        "Regenerate it (byte for byte the same on every machine):",
        "",
        "```",
        command_line(opts).replace("DIR", "sample_data" if opts == SynthOptions() else "DIR"),
        "```",
        "",
        "## Headline figures",
        "",
        f"At {headline['month end']} (the last complete month), before the deliberate problems:",
        "",
        *[f"- {name}: {value:,}" for name, value in headline.items()
          if not isinstance(value, str)],
        "",
        "## Tables",
        "",
        "| table | rows |",
        "|---|---|",
        *[f"| {name} | {count:,} |" for name, count in rows.items()],
        "",
        "## Deliberate data-quality problems",
        "",
    ]
    if not problems:
        lines.append("None: generated with `--clean`.")
    else:
        lines += [
            "Put in on purpose so `cfcs-qa validate` has something to find (`--clean` leaves "
            "them out). Line = the CSV line (header = line 1).",
            "",
            "| table | line | column | finding | level | what |",
            "|---|---|---|---|---|---|",
            *[f"| {p.table} | {p.line or 'all'} | {p.column} | {p.code} | {p.level} | "
              f"{p.note} |" for p in problems],
        ]
    lines += [
        "",
        "Pre-birth work is real practice, so some records of unborn children are dated before "
        "the date of birth (`before-birth` warnings) even with `--clean`.",
        "",
    ]
    return "\n".join(lines)


def folder_is_empty(folder: Path) -> bool:
    return not folder.exists() or not any(os.scandir(folder))
