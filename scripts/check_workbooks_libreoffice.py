"""Open every kind of workbook cfcs-qa writes in LibreOffice (headless) and check it.

    .venv/bin/python scripts/check_workbooks_libreoffice.py [--keep DIR]

On the bundled SYNTHETIC sample data, and on a "messy" copy of it whose text holds
formula-like values (= + - @), it writes: the KPI workbook (month and 12-month history), the
data-quality workbook, the Tier 2 toolkits (blank and completed), the audit-status workbook.
Each is converted by LibreOffice to xlsx (a round trip) and to PDF, then checked:

- LibreOffice opens and converts it; the round trip holds no error value (#NAME?, Err:5xx)
  and no formula (cfcs-qa writes none; a formula would be an injection that got through);
- every text starting with = + - @ was neutralised (written as text behind an apostrophe);
- report columns are wide enough to read what they hold;
- toolkits: sheet protected, input cells (and only they) unlocked, every drop-down and date
  check still there after the round trip, date cells formatted as dates;
- completed toolkits saved again by LibreOffice read back with the same answers and import;
- with python3-uno: answers TYPED into a blank toolkit in LibreOffice (en-GB, then en-US) read
  back as typed (an en-US LibreOffice reads an ambiguous 05/01/2027 month first: reported).

Prints one line per finding; exit 0 when nothing is wrong, 1 otherwise, 0 with a message when
LibreOffice is not installed. Synthetic data only; nothing outside a temporary folder is
written. Not part of CI (needs LibreOffice: apt-get install libreoffice-calc-nogui).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

AS_OF, MONTH, RETURNED = "2026-11-20", "2026-10", "2026-12-21"
INJECTED = {  # file -> (column, value seen, formula-like value written instead)
    "cic_episodes.csv": ("legal_status", "Interim Care Order",
                         '=HYPERLINK("http://example.invalid","ICO")'),
    "placements.csv": ("placement_type", "Foster care (in-house)", "+Foster care (in-house)"),
    "staff.csv": ("display_name", None, "=NAME"),
}
CONCERN = {"grade": "Inadequate", "concern.found": "Yes", "concern.identified_on":
           date(2026, 12, 10), "concern.told": "-S002", "concern.told_on": date(2026, 12, 11),
           "action.1.what": '=HYPERLINK("http://x","click")', "action.1.owner": "@S001",
           "action.1.due": date(2026, 12, 30), "completed_on": date(2026, 12, 18)}
ERRORS = ("#NAME?", "#REF!", "#VALUE!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!", "Err:")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
findings: list[str] = []


def say(kind: str, where: str, what: str) -> None:
    line = f"{kind:8} {where}: {what}"
    findings.append(line)
    print(line, flush=True)


class Office:
    def __init__(self, soffice: str, work: Path) -> None:
        self.soffice, self.profile = soffice, (work / "lo-profile").as_uri()

    def convert(self, files: list[Path], to: str, out: Path) -> dict[Path, Path | None]:
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run([self.soffice, "--headless", "--norestore",
                        f"-env:UserInstallation={self.profile}", "--convert-to", to,
                        "--outdir", str(out), *map(str, files)],
                       capture_output=True, timeout=300, check=False)
        ext = to.split(":")[0]
        done = {f: out / f"{f.stem}.{ext}" for f in files}
        return {f: (p if p.is_file() else None) for f, p in done.items()}


def cli(*args: str, env: dict[str, str]) -> int:
    done = subprocess.run([sys.executable, "-m", "cfcs_qa.cli.main", *args], env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode > 1:
        say("PROBLEM", "cfcs-qa " + " ".join(args[:2]), done.stderr.strip()[-300:])
    return done.returncode


def messy_copy(sample: Path, target: Path) -> Path:
    shutil.copytree(sample, target)
    for name, (column, seen, value) in INJECTED.items():
        with (target / name).open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        for row in rows:
            if seen is None or row[column] == seen:
                row[column] = value if seen else value.replace("NAME", row[column])
        with (target / name).open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return target


def produce(data: Path | None, out: Path, env: dict[str, str]) -> dict[str, list[Path]]:
    """Every kind of workbook for one extract; returns kind -> files."""
    out.mkdir(parents=True)
    d = ["--data", str(data)] if data else []
    db = f"sqlite:///{out / 'store.db'}"
    cli("validate", *d, "--as-of", AS_OF, "--format", "xlsx", "--output",
        str(out / "validate.xlsx"), env=env)
    cli("kpis", *d, "--as-of", AS_OF, "--month", MONTH, "--format", "xlsx", "--output",
        str(out / "kpis.xlsx"), env=env)
    cli("kpis", *d, "--as-of", AS_OF, "--month", MONTH, "--history", "12", "--format", "xlsx",
        "--output", str(out / "kpis_history.xlsx"), env=env)
    cli("sample", *d, "--as-of", AS_OF, "--db", db, "--toolkits", str(out / "toolkits"),
        "--seed", "20261201", "--format", "json", env=env)
    from cfcs_qa.sampling.toolkit_fill import fill_toolkit

    blank = sorted((out / "toolkits").glob("*.xlsx"))
    (out / "filled").mkdir()
    filled = []
    for i, path in enumerate(blank[:3]):
        target = out / "filled" / path.name
        shutil.copy(path, target)
        fill_toolkit(target, CONCERN if i == 0 else None, seed=7 + i)
        filled.append(target)
    cli("audits", "import", "--db", db, "--as-of", RETURNED, "--format", "json",
        *map(str, filled), env=env)
    cli("audits", "status", "--db", db, *d, "--as-of", RETURNED, "--month", "2026-12",
        "--format", "xlsx", "--output", str(out / "status.xlsx"), env=env)
    return {"report": [out / n for n in ("validate.xlsx", "kpis.xlsx", "kpis_history.xlsx",
                                         "status.xlsx") if (out / n).is_file()],
            "toolkit": blank[:2] + blank[-1:], "filled": filled, "db": [out / "store.db"]}


def shown_len(cell: Any) -> int:
    value = cell.value
    if isinstance(value, float):
        return len(f"{value:.1f}")
    return 5 if isinstance(value, bool) else len(str(value))


def check_cells(path: Path, again: Path | None, width_check: bool) -> None:
    from openpyxl import load_workbook

    where = str(path.name)
    for ws in load_workbook(path):
        narrow: set[str] = set()
        for row in ws.iter_rows():
            filled = [c for c in row if c.value is not None]
            for c in filled:
                if c.data_type == "f":
                    say("PROBLEM", f"{where} {ws.title}!{c.coordinate}", "holds a formula")
                elif isinstance(c.value, str) and c.value.startswith(FORMULA_START):
                    say("PROBLEM", f"{where} {ws.title}!{c.coordinate}",
                        f"formula-like text not neutralised: {c.value[:30]!r}")
                wrapped = c.alignment is not None and c.alignment.wrap_text
                width = ws.column_dimensions[c.column_letter].width or 8.43
                if (width_check and len(filled) > 1 and not wrapped
                        and width < min(shown_len(c), 30)):
                    narrow.add(c.column_letter)
        if narrow:
            say("PROBLEM", f"{where} {ws.title}", f"columns {', '.join(sorted(narrow))} are "
                "narrower than what they hold")
    if again is None:
        say("PROBLEM", where, "LibreOffice could not open or convert it")
        return
    for ws in load_workbook(again, data_only=False):
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f" and str(c.value).upper() not in ("=TRUE()", "=FALSE()"):
                    say("PROBLEM", f"{where} {ws.title}!{c.coordinate}",
                        f"a formula after LibreOffice: {str(c.value)[:40]}")
                elif c.data_type == "e" or str(c.value).startswith(ERRORS):
                    say("PROBLEM", f"{where} {ws.title}!{c.coordinate}",
                        f"an error value after LibreOffice: {c.value}")


def check_toolkit(path: Path, again: Path | None) -> None:
    from openpyxl import load_workbook
    from openpyxl.styles.numbers import is_date_format

    from cfcs_qa.sampling.toolkit_layout import META_SHEET, SHEET, build_layout
    from cfcs_qa.sampling.toolkit_meta import parse_meta

    if again is None:
        return
    wb0, wb1 = load_workbook(path), load_workbook(again)
    rows = [["" if v is None else str(v) for v in r]
            for r in wb0[META_SHEET].iter_rows(values_only=True)]
    layout = build_layout(parse_meta(rows).spec)
    inputs = {c.ref: c for c in layout.cells if c.kind == "input"}
    for name, wb in (("written", wb0), ("after LibreOffice", wb1)):
        ws = wb[SHEET]
        where = f"{path.name} ({name})"
        if not ws.protection.sheet:
            say("PROBLEM", where, "the toolkit sheet is not protected")
        locked = [r for r in inputs if ws[r].protection.locked]
        if locked:
            say("PROBLEM", where, f"input cells locked: {', '.join(locked[:5])}")
        open_cells = [c.coordinate for row in ws.iter_rows(max_row=layout.last_row, max_col=6)
                      for c in row if c.coordinate not in inputs
                      and type(c).__name__ != "MergedCell" and not c.protection.locked]
        if open_cells:
            say("PROBLEM", where, f"printed cells left unlocked: {', '.join(open_cells[:5])}")
        dates = [c.ref for c in inputs.values() if c.input == "date"
                 and not is_date_format(ws[c.ref].number_format)]
        if dates:
            say("PROBLEM", where, f"date cells not formatted as dates: {', '.join(dates[:5])}")
        checked = validated(ws)
        missing = [r for r, c in inputs.items() if c.input in ("choice", "date")
                   and checked.get(r) != ("list" if c.input == "choice" else "date")]
        if missing:
            say("PROBLEM", where, f"drop-down or date check missing: {', '.join(missing[:5])}")
    if wb1[META_SHEET].sheet_state != "veryHidden":
        say("NOTE", path.name, f"after LibreOffice the _meta sheet is {wb1[META_SHEET].sheet_state}"
            " (LibreOffice has no 'very hidden'); import still checks it")
    if not (wb1.security and wb1.security.lockStructure):
        say("NOTE", path.name, "after LibreOffice the workbook structure is no longer locked "
            "(LibreOffice keeps that lock only with a password)")


def validated(ws: Any) -> dict[str, str]:
    from openpyxl.utils import get_column_letter, range_boundaries

    out: dict[str, str] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            c0, r0, c1, r1 = range_boundaries(str(rng))
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    out[f"{get_column_letter(c)}{r}"] = dv.type
    return out


def check_filled(path: Path, again: Path | None, db: Path, env: dict[str, str]) -> None:
    from cfcs_qa.sampling.toolkit_reader import read_toolkit

    if again is None:
        return
    before, after = read_toolkit(path), read_toolkit(again)
    if not after.ok or after.fields != before.fields:
        say("PROBLEM", f"{path.name} after LibreOffice", "does not read back the same: "
            + "; ".join(map(str, after.problems[:3])))
    store = db.with_name(f"rt-{db.name}")
    if not store.exists():
        shutil.copy(db, store)
    code = cli("audits", "import", "--db", f"sqlite:///{store}", "--as-of", RETURNED,
               "--replace", "--format", "json", str(again), env=env)
    if code != 0:
        say("PROBLEM", f"{path.name} after LibreOffice", f"audits import exit {code}")


TYPIST = r'''
import json, os, signal, subprocess, sys, threading, time, uno
from com.sun.star.beans import PropertyValue
def prop(n, v):
    p = PropertyValue(); p.Name = n; p.Value = v; return p
def stop():  # the office this script started (its own process group), never any other
    try:
        os.killpg(office.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
src, dst, cells, profile = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3])), sys.argv[4]
pipe = "cfcsqa%d" % os.getpid()
office = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore",
                           "-env:UserInstallation=" + profile, "--accept=pipe,name=%s;urp;" % pipe],
                          start_new_session=True)
watchdog = threading.Timer(120, stop)  # a dialog nobody can see would wait for ever
watchdog.start()
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(150):
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except Exception:
            time.sleep(0.2)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0,
                                       (prop("Hidden", True),))
    sheet = doc.Sheets.getByName("Toolkit")
    ctrl = doc.getCurrentController()
    typing = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
    for ref, text in cells.items():  # as typed on the keyboard, read in the office's language
        ctrl.select(sheet.getCellRangeByName(ref))
        typing.executeDispatch(ctrl.getFrame(), ".uno:EnterString", "", 0,
                               (prop("StringName", text),))
    doc.storeToURL(uno.systemPathToFileUrl(dst), (prop("FilterName", "Calc MS Excel 2007 XML"),))
    try:  # the file is saved; LibreOffice 7.4 sometimes crashes on the way out
        doc.close(True)
        desktop.terminate()
    except Exception:
        pass
finally:
    watchdog.cancel()
    try:
        office.wait(timeout=30)
    except subprocess.TimeoutExpired:
        stop()
'''


def check_typed(blank: Path, work: Path) -> None:
    """Type a full set of answers into a blank toolkit in LibreOffice, as an auditor would."""
    from openpyxl import load_workbook

    from cfcs_qa.sampling.toolkit_fill import auditor_answers
    from cfcs_qa.sampling.toolkit_layout import META_SHEET, build_layout
    from cfcs_qa.sampling.toolkit_meta import parse_meta
    from cfcs_qa.sampling.toolkit_reader import read_toolkit

    system = shutil.which("python3", path="/usr/bin:/bin")
    if system is None or subprocess.run([system, "-c", "import uno"], capture_output=True,
                                        check=False).returncode:
        print("(typing into LibreOffice skipped: python3-uno is not installed)")
        return
    rows = [["" if v is None else str(v) for v in r]
            for r in load_workbook(blank)[META_SHEET].iter_rows(values_only=True)]
    meta = parse_meta(rows)
    inputs = build_layout(meta.spec).inputs
    answers = auditor_answers(inputs, meta.spec, meta.values, random.Random(3))
    answers["action.2.due"] = date(2027, 1, 5)  # 05/01/2027: day and month both <= 12
    answers.setdefault("action.2.what", "Check the plan.")
    answers.setdefault("action.2.owner", "S014")
    typed = {inputs[k].ref: v.strftime("%d/%m/%Y") if isinstance(v, date) else str(v)
             for k, v in answers.items()}
    (work / "typist.py").write_text(TYPIST, encoding="utf-8")
    (work / "typed.json").write_text(json.dumps(typed), encoding="utf-8")
    for lang in ("en_GB", "en_US"):
        out = work / f"typed-{lang}.xlsx"
        env = {**os.environ, "LC_ALL": f"{lang}.UTF-8", "LANG": f"{lang}.UTF-8"}
        for attempt in (1, 2):  # driving LibreOffice by UNO is not always steady
            copy = work / f"blank-{lang}-{attempt}.xlsx"  # LibreOffice leaves lock files
            shutil.copy(blank, copy)
            try:
                subprocess.run([system, str(work / "typist.py"), str(copy), str(out),
                                str(work / "typed.json"),
                                (work / f"lo-{lang}-{attempt}").as_uri()],
                               env=env, capture_output=True, timeout=200, check=False)
            except subprocess.TimeoutExpired:
                pass
            if out.is_file():
                break
        if not out.is_file():
            say("NOTE", f"typed in LibreOffice ({lang})", "skipped: the UNO session failed "
                "twice (run again)")
            continue
        result = read_toolkit(out)
        if not result.ok:
            say("PROBLEM", f"typed in LibreOffice ({lang})",
                "; ".join(map(str, result.problems[:4])))
        ws = load_workbook(out)["Toolkit"]
        for name, value in answers.items():
            if isinstance(value, date):
                got = ws[inputs[name].ref].value
                got = got.date() if hasattr(got, "date") else got
                if got != value:
                    kind, why = (("PROBLEM", "") if lang == "en_GB" else
                                 ("NOTE", " (read month first, as this language does; the "
                                  "cell shows the month by name, so the auditor sees it)"))
                    say(kind, f"typed in LibreOffice ({lang})",
                        f"{name}: typed {typed[inputs[name].ref]}, stored {got!r}{why}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="work in this (new) folder and keep it")
    args = parser.parse_args()
    soffice = shutil.which("soffice")
    if soffice is None:
        print("skipped: LibreOffice is not installed (soffice not found). On Debian/Ubuntu: "
              "apt-get install --no-install-recommends libreoffice-calc-nogui")
        return 0
    from cfcs_qa.paths import sample_data_dir

    work = args.keep or Path(tempfile.mkdtemp(prefix="cfcs-qa-lo-"))
    work.mkdir(parents=True, exist_ok=True)
    os.chmod(work, 0o700)
    env = {**os.environ, "CFCS_QA_CACHE": str(work / "cache")}
    office = Office(soffice, work)
    try:
        for label, data in (("bundled", None),
                            ("messy", messy_copy(sample_data_dir(), work / "messy-data"))):
            print(f"== {label} sample", flush=True)
            made = produce(data, work / label, env)
            every = made["report"] + made["toolkit"] + made["filled"]
            again = office.convert(every, "xlsx", work / label / "libreoffice")
            pdfs = office.convert(every, "pdf", work / label / "pdf")
            for path in every:
                if pdfs[path] is None:
                    say("PROBLEM", path.name, "LibreOffice could not print it to PDF")
                check_cells(path, again[path], width_check=path in made["report"])
            for path in made["toolkit"]:
                check_toolkit(path, again[path])
            for path in made["filled"]:
                check_filled(path, again[path], made["db"][0], env)
            if label == "bundled" and made["toolkit"]:
                check_typed(made["toolkit"][-1], work / label)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    problems = sum(1 for f in findings if f.startswith("PROBLEM"))
    print(f"{problems} problem(s), {len(findings) - problems} note(s)"
          + (f"; files kept in {work}" if args.keep else ""))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
