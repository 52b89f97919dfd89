"""Every role a rule names is a role of the contract: a misspelt role would silently leave
people out of the sample, moderation or sign-off."""

from cfcs_qa import contract
from cfcs_qa.audit import changes, disputes, escalation, staff_roles, tier3
from cfcs_qa.sampling import auditors


def test_role_rules_name_contract_roles() -> None:
    rules = {
        "TIER2_AUDITOR_ROLES": contract.TIER2_AUDITOR_ROLES,
        "TIER2_MODERATOR_ROLES": staff_roles.TIER2_MODERATOR_ROLES,
        "SQA_ROLES": staff_roles.SQA_ROLES,
        "disputes.MANAGER_ROLES": set(disputes.MANAGER_ROLES),
        "auditors.AUDITOR_ROLES": set(auditors.AUDITOR_ROLES),
        "auditors.MANAGER_ROLES": set(auditors.MANAGER_ROLES),
        "DISPUTE_DECIDER_ROLES": set(disputes.DISPUTE_DECIDER_ROLES),
        "ACKNOWLEDGER_ROLES": set(escalation.ACKNOWLEDGER_ROLES),
        "tier3.LEAD_ROLES": set(tier3.LEAD_ROLES),
        "EXTRA_AUDITOR_ROLES": set().union(*changes.EXTRA_AUDITOR_ROLES.values()),
    }
    for name, roles in rules.items():
        assert set(roles) <= set(contract.ROLES), f"{name} names unknown roles"


def test_sampling_and_store_agree_on_who_audits() -> None:
    assert set(auditors.AUDITOR_ROLES) == staff_roles.TIER2_AUDITOR_ROLES == {
        "team_manager", "deputy_manager", "service_manager", "csm", "iro"}
    assert staff_roles.TIER2_MODERATOR_ROLES == staff_roles.TIER2_AUDITOR_ROLES | {
        "pdqa_coordinator", "associate_director"}
