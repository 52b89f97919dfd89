"""The public-holiday table kept between runs: the same days as the ``holidays`` package."""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path

import holidays

from cfcs_qa import holiday_table
from cfcs_qa.calendar import make_calendar


def test_without_a_folder_it_is_the_packages_table() -> None:
    table = holiday_table.public_holidays(2020, 2027)
    expected = holidays.country_holidays("GG", years=range(2020, 2028))
    assert table == {d: str(n) for d, n in expected.items()}
    assert date(2024, 5, 9) in table  # Liberation Day


def test_kept_in_the_folder_and_read_back(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    first = holiday_table.public_holidays(2000, 2045, tmp_path)
    (memo,) = tmp_path.glob("holidays-GG-*-2000-2045.json")
    assert holidays.__version__ in memo.name
    assert stat.S_IMODE(memo.stat().st_mode) == 0o600

    def no_computing(*_: object) -> None:
        raise AssertionError("computed again")

    monkeypatch.setattr(holiday_table, "_computed", no_computing)
    assert holiday_table.public_holidays(2000, 2045, tmp_path) == first


def test_a_damaged_file_is_made_again(tmp_path: Path) -> None:
    first = holiday_table.public_holidays(2010, 2012, tmp_path)
    (memo,) = tmp_path.glob("holidays-GG-*.json")
    memo.write_text('{"days": {"2011-01-0')
    assert holiday_table.public_holidays(2010, 2012, tmp_path) == first
    assert json.loads(memo.read_text())["days"]["2011-01-03"]  # written again, whole


def test_no_folder_no_file(tmp_path: Path) -> None:
    holiday_table.public_holidays(2010, 2011, tmp_path / "missing")
    assert not (tmp_path / "missing").exists()


def test_the_calendar_reads_the_kept_table(tmp_path: Path) -> None:
    plain, kept = make_calendar(), make_calendar(memo_dir=tmp_path)
    assert kept == plain  # the folder is not part of what a calendar is
    assert kept.holidays() == plain.holidays()
    assert make_calendar(memo_dir=tmp_path).holidays() == plain.holidays()  # from the file


def test_a_warmed_table_is_the_same_table(tmp_path: Path) -> None:
    holiday_table.warm(tmp_path, 2019, 2021)
    warmed = holiday_table.public_holidays(2019, 2021, tmp_path)
    assert warmed == holiday_table.public_holidays(2019, 2021)
    assert date(2020, 5, 8) in warmed  # the 2020 VE Day bank holiday, moved from 4 May


def test_a_failed_warm_up_is_made_again_in_the_caller(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    real = holiday_table._computed
    calls: list[int] = []

    def flaky(first: int, last: int) -> dict[date, str]:
        calls.append(first)
        if len(calls) == 1:
            raise RuntimeError("no table")
        return real(first, last)

    monkeypatch.setattr(holiday_table, "_computed", flaky)
    holiday_table.warm(None, 2015, 2016)
    table = holiday_table.public_holidays(2015, 2016)
    assert calls == [2015, 2015] and date(2015, 5, 9) in table


def test_a_table_warmed_before_its_folder_existed_is_kept_once_it_does(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    holiday_table.warm(folder, 2022, 2023)
    folder.mkdir(mode=0o700)  # as the loader makes the cache folder while the table is made
    holiday_table.public_holidays(2022, 2023, folder)
    assert len(list(folder.glob("holidays-GG-*-2022-2023.json"))) == 1


def test_a_folder_others_can_write_is_not_used(tmp_path: Path) -> None:
    import os

    name = holiday_table._memo_path(tmp_path, 2010, 2011)
    assert name is not None
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    planted = shared / name.name
    planted.write_text(json.dumps({"days": {"2010-03-03": "Planted Day"}}))
    table = holiday_table.public_holidays(2010, 2011, shared)
    assert date(2010, 3, 3) not in table and date(2010, 5, 10) in table  # the real table
    assert list(shared.iterdir()) == [planted]  # nothing written there either
