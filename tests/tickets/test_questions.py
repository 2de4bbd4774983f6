"""Each provider's impact questions come from its SLA targets in the real catalogue."""

from __future__ import annotations

import pytest

from contracts.models import SlaTarget
from tests.factories import ContractFactory
from tickets.questions import (
    QuestionSet,
    contract_may_propose_level,
    contract_question_set,
    contract_questions,
    foreign_answers,
    questions_from_targets,
)

pytestmark = pytest.mark.django_db


def test_onitnow_asks_scope_and_effect_only() -> None:
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    assert contract_questions(contract) == frozenset({QuestionSet.SCOPE_EFFECT})
    assert not contract_may_propose_level(contract)


def test_microsoft_asks_business_impact_and_lets_the_customer_propose_a_severity() -> None:
    contract = ContractFactory(provider_code="microsoft", package_code="advanced")
    found = contract_question_set(contract)
    assert found.questions == frozenset({QuestionSet.BUSINESS_IMPACT})
    english = found.proposable_levels(english=True)
    dutch = found.proposable_levels(english=False)
    assert english == [("critical", "Critical"), ("normal", "Normal")]
    assert dutch == [("critical", "Kritiek"), ("normal", "Normaal")]


def test_cbg_asks_the_business_critical_checklist_only() -> None:
    contract = ContractFactory(provider_code="cbg", package_code="extra")
    assert contract_questions(contract) == frozenset({QuestionSet.CHECKLIST})
    assert not contract_may_propose_level(contract)


def test_websitenazorg_asks_the_emergency_question_only() -> None:
    contract = ContractFactory(provider_code="websitenazorg", package_code="office365")
    assert contract_questions(contract) == frozenset({QuestionSet.EMERGENCY})
    assert not contract_may_propose_level(contract)


def test_microsoft_core_without_targets_asks_nothing() -> None:
    contract = ContractFactory(provider_code="microsoft", package_code="core")
    assert contract_questions(contract) == frozenset()


def test_a_table_with_a_marker_asks_no_business_impact() -> None:
    marked = SlaTarget(request_type="incident", level="x", rank=1, emergency=True)
    plain = SlaTarget(request_type="incident", level="y", rank=3)
    found = questions_from_targets([marked, plain])
    assert found.questions == frozenset({QuestionSet.EMERGENCY})
    assert found.proposable == ()


def test_information_targets_ask_nothing() -> None:
    info = SlaTarget(request_type="information", level="x", rank=3)
    assert questions_from_targets([info]).questions == frozenset()


def test_foreign_answers_names_questions_the_contract_does_not_ask() -> None:
    asked = frozenset({QuestionSet.SCOPE_EFFECT})
    answered = [QuestionSet.EMERGENCY, QuestionSet.SCOPE_EFFECT, QuestionSet.CHECKLIST]
    assert foreign_answers(asked, answered) == ["checklist", "emergency"]
