"""Which impact questions a contract's provider asks when a ticket is filed (issue #11 §4).

One definition for every form that registers a ticket (the portal, the back-office phone
registration, later the API), derived from the contract's SLA policy targets, never from the
provider's name:

- a target with `impact_scope` / `impact_effect` -> "scope_effect": who is affected and how;
  the answer picks the level (onITnow, SPEC §3.3.1);
- a target with `business_critical` set -> "checklist": the business-critical checklist and
  "can any user still log in" (CBG, TKT-41/42);
- a target with `emergency` set -> "emergency": the out-of-hours emergency flag
  (Websitenazorg, TKT-50);
- incident targets that carry none of these markers -> "business_impact": the provider assigns
  the level after the customer describes the business impact, and the customer may *propose* a
  level, which becomes a pending priority request (Microsoft, TKT-11/12, D8).

A contract without an SLA policy (Microsoft Core) asks nothing. Pure reads, no writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from contracts.models import Contract, RequestType, SlaTarget
from contracts.selectors import sla_policy_targets


class QuestionSet(StrEnum):
    SCOPE_EFFECT = "scope_effect"
    BUSINESS_IMPACT = "business_impact"
    CHECKLIST = "checklist"
    EMERGENCY = "emergency"


# The TicketCreateInput fields that carry each question's answers; an answer to a question the
# contract's provider does not ask is refused by the forms (issue #11 §4).
QUESTION_FIELDS: dict[str, tuple[str, ...]] = {
    QuestionSet.SCOPE_EFFECT: ("impact_scope", "impact_effect"),
    QuestionSet.BUSINESS_IMPACT: ("business_impact",),
    QuestionSet.CHECKLIST: ("business_critical_checklist", "any_user_can_login"),
    QuestionSet.EMERGENCY: ("emergency",),
}


@dataclass(frozen=True)
class ContractQuestions:
    """The questions of one contract, and the levels its customer may propose (if any)."""

    questions: frozenset[str]
    proposable: tuple[SlaTarget, ...] = ()

    @property
    def may_propose_level(self) -> bool:
        return bool(self.proposable)

    def asks(self, question: str) -> bool:
        return question in self.questions

    def proposable_levels(self, *, english: bool) -> list[tuple[str, str]]:
        """(level, label) pairs in the table's order, labelled in the page's language."""
        return [(t.level, t.label_en if english else t.label_nl) for t in self.proposable]


def questions_from_targets(targets: Iterable[SlaTarget]) -> ContractQuestions:
    """The question sets asked for the incident targets of one policy."""
    incident = sorted(
        (t for t in targets if t.request_type == RequestType.INCIDENT),
        key=lambda t: (t.sort, t.rank),
    )
    questions: set[str] = set()
    for target in incident:
        if target.impact_scope or target.impact_effect:
            questions.add(QuestionSet.SCOPE_EFFECT)
        if target.business_critical is not None:
            questions.add(QuestionSet.CHECKLIST)
        if target.emergency is not None:
            questions.add(QuestionSet.EMERGENCY)
    if incident and not questions:
        # No rule of the table picks a level from the customer's answers: the provider
        # assigns it (TKT-11) and the customer's proposal waits for the provider (D8).
        return ContractQuestions(
            questions=frozenset({QuestionSet.BUSINESS_IMPACT}), proposable=tuple(incident)
        )
    return ContractQuestions(questions=frozenset(questions))


def contract_question_set(contract: Contract, *, policy_code: str = "") -> ContractQuestions:
    """The questions of `contract`'s provider under its default policy (or `policy_code`)."""
    policy = sla_policy_targets(contract=contract, policy_code=policy_code)
    return questions_from_targets(policy.targets if policy is not None else ())


def contract_questions(contract: Contract, *, policy_code: str = "") -> frozenset[str]:
    """The names of the question sets asked under `contract` (values of QuestionSet)."""
    return contract_question_set(contract, policy_code=policy_code).questions


def contract_may_propose_level(contract: Contract, *, policy_code: str = "") -> bool:
    """True where the customer proposes a level and the provider assigns it (Microsoft)."""
    return contract_question_set(contract, policy_code=policy_code).may_propose_level


def foreign_answers(questions: frozenset[str], answered: Iterable[str]) -> list[str]:
    """The question sets in `answered` that the contract does not ask, in QuestionSet order."""
    given = set(answered)
    return [q.value for q in QuestionSet if q in given and q not in questions]
