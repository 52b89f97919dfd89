"""The review stage against a real store, on SQLite and PostgreSQL: moderation, disputes and
final grades, escalations, Tier 3, family contact, actions, re-audits, compliance; every
change leaves a change_log row."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from cfcs_qa.audit import schema as s
from cfcs_qa.audit.actions import (
    add_action,
    complete_action,
    list_actions,
    overdue_actions,
    sign_off_action,
)
from cfcs_qa.audit.compliance import compliance
from cfcs_qa.audit.disputes import decide_dispute, final_grade, raise_dispute, record_meeting
from cfcs_qa.audit.escalation import acknowledge, open_escalations, record_escalation
from cfcs_qa.audit.family_contact import decline_family_contact, family_contact_share
from cfcs_qa.audit.moderation_store import agreement_report, moderation_sample, record_moderation
from cfcs_qa.audit.reaudit import create_reaudit, reaudit_comparison
from cfcs_qa.audit.store import open_store
from cfcs_qa.audit.tier3 import choose, propose
from cfcs_qa.calendar import make_calendar
from cfcs_qa.errors import UserError

from .conftest import STAFF, add_allocation, add_audit, build_october

CAL = make_calendar()
TODAY = date(2026, 11, 5)


def _log_count(store, action: str) -> int:
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(s.change_log)
                                .where(s.change_log.c.action == action)).scalar_one())


def test_moderation_sample_allocates_outside_teams_and_is_stable(october: str) -> None:
    with open_store(october, create=False) as store:
        proposed = moderation_sample(store, "2026-10", share=0.1, staff=STAFF)
        ids = {r["allocation_id"]: r for r in proposed}
        assert {"2026-10-001", "2026-10-002"} <= set(ids)  # inadequate, outstanding
        assert sum(r["reason"] == "sampled" for r in proposed) == 1  # ceil(10% of 4)
        assert not any(r["stored"] for r in proposed)
        stored = moderation_sample(store, "2026-10", share=0.1, staff=STAFF, allocate=True,
                                   by="S002")
        assert [r["allocation_id"] for r in stored] == [r["allocation_id"] for r in proposed]
        again = moderation_sample(store, "2026-10", share=0.1, staff=STAFF, allocate=True)
        assert again == stored
        with store.read() as conn:
            n = conn.execute(select(func.count()).select_from(s.moderation_assignments)).scalar()
            alloc_team = dict(conn.execute(select(s.allocations.c.allocation_id,
                                                  s.allocations.c.team)).all())
        assert n == len(stored)
        for r in stored:
            m = STAFF[r["moderator_id"]]
            assert m.team != alloc_team[r["allocation_id"]]
        assert _log_count(store, "moderation_allocated") == len(stored)


def test_staff_exempt_from_the_sample_are_not_asked_to_moderate(october: str) -> None:
    few = {k: STAFF[k] for k in ("S010", "S014")}  # S014 is on leave for October
    with open_store(october, create=False) as store:
        rows = moderation_sample(store, "2026-10", share=1.0, staff=few)
    assert {r["moderator_id"] for r in rows} <= {"S010", None}
    assert any(r["moderator_id"] is None for r in rows)  # Team A cases: nobody left


def test_moderation_sample_is_reproducible_across_stores(tmp_path) -> None:
    urls = [f"sqlite:///{tmp_path / f's{i}.db'}" for i in range(2)]
    results = []
    for url in urls:
        build_october(url)
        with open_store(url, create=False) as store:
            results.append(moderation_sample(store, "2026-10", share=0.5, staff=STAFF))
    assert results[0] == results[1]


def test_moderate_sets_final_grade_and_refuses_conflicts(october: str) -> None:
    with open_store(october, create=False) as store:
        with pytest.raises(UserError, match="case's team"):
            record_moderation(store, "2026-10-001", STAFF["S010"], grade="inadequate",
                              agree=True, notes=None, on=TODAY)
        with pytest.raises(UserError, match="no allocation 2026-10-099"):
            record_moderation(store, "2026-10-099", STAFF["S003"], grade="good",
                              agree=True, notes=None, on=TODAY)
        with pytest.raises(UserError, match="no completed audit"):
            record_moderation(store, "2026-10-007", STAFF["S003"], grade="good", agree=True,
                              notes=None, on=TODAY)
        with pytest.raises(UserError, match="--disagree"):
            record_moderation(store, "2026-10-001", STAFF["S003"], grade="good", agree=True,
                              notes=None, on=TODAY)
        out = record_moderation(store, "2026-10-001", STAFF["S003"],
                                grade="requires_improvement", agree=False, notes="evidence "
                                "of planning was found", on=date(2026, 10, 28))
        assert out["auditor_grade"] == "inadequate"
        with store.read() as conn:
            assert final_grade(conn, "2026-10-001") == "requires_improvement"
            assert final_grade(conn, "2026-10-003") == "good"
            assert final_grade(conn, "2026-10-007") is None
        record_moderation(store, "2026-10-002", STAFF["S004"], grade="outstanding",
                          agree=True, notes=None, on=TODAY)
        with pytest.raises(UserError, match="only pdqa_coordinator"):
            agreement_report(store, "S003", STAFF, ("2026-01", "2026-12"))
        rep = agreement_report(store, "S002", STAFF, ("2026-01", "2026-12"))
        assert rep["moderations"] == 2 and rep["agreement_percent"] == 50.0
        assert {r["key"] for r in rep["by_auditor"]} == {"S010", "S011"}
        assert _log_count(store, "moderated") == 2


def test_dispute_raise_decide_and_final_grade(october: str) -> None:
    with open_store(october, create=False) as store:
        with pytest.raises(UserError, match="neither the case's worker"):
            raise_dispute(store, "2026-10-004", STAFF["S021"], evidence="x", on=TODAY)
        d = raise_dispute(store, "2026-10-004", STAFF["W1"], evidence="plan reviewed "
                          "on time, see case note", on=TODAY)
        assert d["grade_before"] == "requires_improvement"
        with pytest.raises(UserError, match="already has an open dispute"):
            raise_dispute(store, "2026-10-004", STAFF["S010"], evidence="y", on=TODAY)
        with pytest.raises(UserError, match="only service_manager"):
            decide_dispute(store, "2026-10-004", STAFF, "S002", outcome="upheld",
                           grade_after="good", on=TODAY)
        with pytest.raises(UserError, match="needs the new grade"):
            decide_dispute(store, "2026-10-004", STAFF, "S003", outcome="upheld",
                           grade_after=None, on=TODAY)
        out = decide_dispute(store, "2026-10-004", STAFF, "S003", outcome="upheld",
                             grade_after="good", on=TODAY)
        assert out["grade_after"] == "good"
        with store.read() as conn:
            assert final_grade(conn, "2026-10-004") == "good"
        # a later moderation does not beat a decided dispute
        record_moderation(store, "2026-10-004", STAFF["S004"], grade="inadequate",
                          agree=False, notes=None, on=TODAY)
        with store.read() as conn:
            assert final_grade(conn, "2026-10-004") == "good"
        with pytest.raises(UserError, match="no open dispute"):
            decide_dispute(store, "2026-10-004", STAFF, "S003", outcome="not_upheld",
                           grade_after=None, on=TODAY)
        assert _log_count(store, "dispute_raised") == 1
        assert _log_count(store, "dispute_decided") == 1


def test_escalations_listed_until_acknowledged(october: str) -> None:
    with open_store(october, create=False) as store:
        late = record_escalation(store, "2026-10-007", CAL, STAFF,
                                 identified=date(2026, 10, 9), told_id="S010",
                                 told_on=date(2026, 10, 13), by="S004")
        assert late["late"] and late["working_days_to_tell"] == 2
        ok = record_escalation(store, "C003", CAL, STAFF, identified=date(2026, 10, 16),
                               told_id="S012", told_on=date(2026, 10, 19))
        assert not ok["late"] and ok["allocation_id"] is None
        with pytest.raises(UserError, match="neither an allocation id nor a child"):
            record_escalation(store, "C999", CAL, STAFF, identified=TODAY, told_id="S010",
                              told_on=TODAY)
        with pytest.raises(UserError, match="no allocation"):
            record_escalation(store, "2026-10-099", CAL, STAFF, identified=TODAY,
                              told_id="S010", told_on=TODAY)
        with store.read() as conn:
            open_rows = open_escalations(conn, CAL)
        assert [r["late"] for r in open_rows] == [True, False]
        with pytest.raises(UserError, match="only associate_director"):
            acknowledge(store, late["escalation_id"], STAFF, "S002", on=TODAY)
        acknowledge(store, late["escalation_id"], STAFF, "S001", on=TODAY)
        with pytest.raises(UserError, match="already acknowledged"):
            acknowledge(store, late["escalation_id"], STAFF, "S001", on=TODAY)
        with pytest.raises(UserError, match="no escalation 999"):
            acknowledge(store, 999, STAFF, "S001", on=TODAY)
        with store.read() as conn:
            assert [r["child_id"] for r in open_escalations(conn, CAL)] == ["C003"]
        assert _log_count(store, "escalated") == 2
        assert _log_count(store, "acknowledged") == 1


def test_tier3_shortlist_choose_and_meeting_after_sqa_moderation(october: str) -> None:
    with open_store(october, create=False) as store:
        record_escalation(store, "2026-10-005", CAL, STAFF, identified=date(2026, 10, 20),
                          told_id="S011", told_on=date(2026, 10, 20))
        prop = propose(store, "2026-11")
        order = [r["allocation_id"] for r in prop["shortlist"]]
        assert order == ["2026-10-005", "2026-10-001", "2026-10-004"]
        assert prop["chosen"] is None
        with pytest.raises(UserError, match="only associate_director"):
            choose(store, "2026-11", "2026-10-005", STAFF, "S002", reason=None,
                   issued=TODAY, due=date(2026, 11, 19))
        with pytest.raises(UserError, match="needs --reason"):
            choose(store, "2026-11", "2026-10-001", STAFF, "S001", reason=None,
                   issued=TODAY, due=date(2026, 11, 19))
        out = choose(store, "2026-11", "2026-10-001", STAFF, "S001",
                     reason="repeat referrals on this family", issued=TODAY,
                     due=date(2026, 11, 19))
        assert out["overridden"] and out["tier3_allocation_id"] == "2026-11-001"
        assert STAFF[out["moderator_id"]].role in ("csm", "iro", "pdqa_coordinator")
        with pytest.raises(UserError, match="already chosen"):
            choose(store, "2026-11", "2026-10-005", STAFF, "S001", reason=None,
                   issued=TODAY, due=date(2026, 11, 19))
        assert propose(store, "2026-11")["chosen"]["source_allocation_id"] == "2026-10-001"
        with pytest.raises(UserError, match="already followed up"):
            choose(store, "2026-12", "2026-10-001", STAFF, "S001", reason="again",
                   issued=TODAY, due=date(2026, 12, 17))
        with pytest.raises(UserError, match="no completed Tier 2 audit"):
            choose(store, "2026-12", "2026-10-007", STAFF, "S001", reason="x",
                   issued=TODAY, due=date(2026, 12, 17))
        t3 = out["tier3_allocation_id"]
        with pytest.raises(UserError, match="moderates the case record before the meeting"):
            record_meeting(store, t3, held=True, held_on=TODAY, attendees=["S001", "W1"],
                           joint=True, worker_comments=None, manager_comments=None,
                           minutes="m")
        with pytest.raises(UserError, match="S&QA"):
            record_moderation(store, t3, STAFF["S003"], grade="inadequate", agree=True,
                              notes=None, on=TODAY)
        record_moderation(store, t3, STAFF["S020"], grade="inadequate", agree=True,
                          notes="case record moderated", on=TODAY)
        with store.read() as conn:  # the S&QA moderation does not grade the Tier 3 itself
            assert final_grade(conn, t3) is None
        m = record_meeting(store, t3, held=True, held_on=TODAY, attendees=["S001", "W1",
                           "S010"], joint=True, worker_comments="agreed",
                           manager_comments="agreed", minutes="discussed drift")
        assert m["held"]
        act = add_action(store, t3, STAFF, what="review the plan", owner_id="W1",
                         due=date(2026, 11, 30), on=TODAY)
        assert act["source"] == "tier3" and act["state"] == "open"
        with store.transaction() as conn:
            add_audit(conn, t3, "requires_improvement", TODAY, "S001")
        with store.read() as conn:
            assert final_grade(conn, t3) == "requires_improvement"


def test_family_contact_moves_reproducibly(store_url: str, tmp_path) -> None:
    def run(url: str) -> str | None:
        build_october(url)
        with open_store(url, create=False) as store, store.transaction() as conn:
            for i in range(9, 14):
                add_allocation(conn, f"2026-10-{i:03d}", f"C{i:03d}", "Team B", "S012",
                               run_id=1, family_contact=i == 9)
        with open_store(url, create=False) as store:
            with pytest.raises(UserError, match="not flagged"):
                decline_family_contact(store, "2026-10-010", reason="x", on=TODAY)
            out = decline_family_contact(store, "2026-10-009", reason="risk to the "
                                         "auditor's safety", on=TODAY, by="S012")
            assert out["moved_to"] in {f"2026-10-{i:03d}" for i in range(10, 14)} | {
                "2026-10-007"}
            with store.read() as conn:
                flagged = set(conn.execute(select(s.allocations.c.allocation_id).where(
                    s.allocations.c.family_contact.is_(True))).scalars())
            assert flagged == {"2026-10-003", out["moved_to"]}
            return out["moved_to"]

    first = run(store_url)
    assert run(f"sqlite:///{tmp_path / 'other.db'}") == first


def test_family_contact_share_of_year(october: str) -> None:
    with open_store(october, create=False) as store, store.read() as conn:
        share = family_contact_share(conn, TODAY)
    assert share["completed_audits"] == 6 and share["with_family_contact"] == 1
    assert share["share_percent"] == 16.7 and share["year_from"] == "2026-01"


def test_actions_sign_off_by_supervising_manager_only(october: str) -> None:
    with open_store(october, create=False) as store:
        with pytest.raises(UserError, match="no allocation"):
            add_action(store, "2026-10-099", STAFF, what="x", owner_id="W1",
                       due=TODAY, on=TODAY)
        a = add_action(store, "2026-10-001", STAFF, what="update the chronology",
                       owner_id="W1", due=date(2026, 11, 6), on=TODAY)
        b = add_action(store, "2026-10-002", STAFF, what="core group within 10 days",
                       owner_id="W2", due=date(2026, 11, 20), on=TODAY)
        with pytest.raises(UserError, match="not completed yet"):
            sign_off_action(store, a["action_id"], STAFF, "S010", on=TODAY)
        complete_action(store, a["action_id"], on=TODAY, by="W1")
        with pytest.raises(UserError, match="already completed"):
            complete_action(store, a["action_id"], on=TODAY)
        with pytest.raises(UserError, match="not the case's supervising manager"):
            sign_off_action(store, a["action_id"], STAFF, "S011", on=TODAY)
        done = sign_off_action(store, a["action_id"], STAFF, "S010", on=TODAY)
        assert done["state"] == "signed_off"
        with pytest.raises(UserError, match="signed off twice"):
            sign_off_action(store, a["action_id"], STAFF, "S010", on=TODAY)
        with pytest.raises(UserError, match="no action 77"):
            complete_action(store, 77, on=TODAY)
        with store.read() as conn:
            assert [r["action_id"] for r in overdue_actions(conn, date(2026, 11, 21))] == [
                b["action_id"]]
            assert overdue_actions(conn, TODAY) == []
            assert [r["action_id"] for r in list_actions(conn, TODAY, owner="W2")] == [
                b["action_id"]]
            assert [r["state"] for r in list_actions(conn, TODAY, state="signed_off")] == [
                "signed_off"]
        assert _log_count(store, "action_signed_off") == 1


def test_reaudit_linked_with_before_after(october: str) -> None:
    with open_store(october, create=False) as store:
        with pytest.raises(UserError, match="case's team"):
            create_reaudit(store, "C001", STAFF["S013"], reason="x", month="2026-11",
                           issued=TODAY, due=date(2026, 11, 19))
        with pytest.raises(UserError, match="no completed audit of child C999"):
            create_reaudit(store, "C999", STAFF["S011"], reason="x", month="2026-11",
                           issued=TODAY, due=date(2026, 11, 19))
        out = create_reaudit(store, "C001", STAFF["S011"], reason="inadequate in October",
                             month="2026-11", issued=TODAY, due=date(2026, 11, 19))
        assert out["reaudit_of"] == "2026-10-001"
        with pytest.raises(UserError, match="already has an open audit"):
            create_reaudit(store, "C001", STAFF["S012"], reason="x", month="2026-11",
                           issued=TODAY, due=date(2026, 11, 19))
        with store.transaction() as conn:
            add_audit(conn, out["allocation_id"], "good", date(2026, 11, 18), "S011",
                      scores={"2.1": "met", "2.10": "partly_met", "5.1": "partly_met"})
        with store.read() as conn:
            cmp = reaudit_comparison(conn, out["allocation_id"])
            with pytest.raises(UserError, match="not a re-audit"):
                reaudit_comparison(conn, "2026-10-001")
    assert cmp["grade_before"] == "inadequate" and cmp["grade_after"] == "good"
    assert cmp["grade_change"] == "improved"
    assert [(r["standard"], r["change"]) for r in cmp["standards"]] == [
        ("2.1", "improved"), ("2.10", "same"), ("5.1", "declined")]


def test_compliance_reasons_and_exemptions(october: str) -> None:
    with open_store(october, create=False) as store:
        with store.read() as conn:
            rows = {r["staff_id"]: r for r in compliance(conn, "2026-10", TODAY)}
        assert rows["S010"]["status"] == "compliant"
        assert rows["S004"]["status"] == "non_compliant"
        assert "2026-10-007 not completed by its due date 2026-10-21" in rows["S004"]["reason"]
        assert rows["S003"]["status"] == "exempt" and "withdrawn" in rows["S003"]["reason"]
        assert rows["S014"]["status"] == "exempt" and "on leave" in rows["S014"]["reason"]
        with store.read() as conn:
            early = {r["staff_id"]: r for r in compliance(conn, "2026-10", date(2026, 10, 10))}
        assert early["S004"]["status"] == "pending"
        # a service manager's moderation counts instead of an audit
        record_moderation(store, "2026-10-003", STAFF["S004"], grade="good", agree=True,
                          notes=None, on=date(2026, 10, 27))
        with store.read() as conn:
            rows = {r["staff_id"]: r for r in compliance(conn, "2026-10", TODAY)}
        assert rows["S004"]["status"] == "compliant"
        assert "moderated 2026-10-003" in rows["S004"]["reason"]
