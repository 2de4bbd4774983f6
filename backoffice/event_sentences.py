"""One sentence per TicketEvent kind, in the page's language (issue #11 §5): statuses, lines and
categories by their labels, people by name, problems by number, times in the display zone.

SENTENCES names every kind the code writes (tests/backoffice/test_desk_timeline.py greps the
code for them); a kind missing here still reads as words, never as a key or a dict
(`fallback_sentence`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.forms_new_ticket import RECEIVED_HOW
from contracts.models import RequestType
from escalation.models import Level, Reason
from tickets.event_kinds import segment_reason
from tickets.models import (
    Channel,
    Line,
    MessageKind,
    PriorityReason,
    RequestState,
    Status,
    TimeCategory,
    UpdateKind,
    Vendor,
)


@dataclass(frozen=True)
class Names:
    """What the sentences look up: users and problems by id, priority levels by code."""

    users: Mapping[int, str] = field(default_factory=dict)
    problems: Mapping[int, str] = field(default_factory=dict)
    levels: Mapping[str, str] = field(default_factory=dict)

    def user(self, pk: Any) -> str:
        if pk is None:
            return _("nobody")
        return self.users.get(pk, _("a former colleague")) if isinstance(pk, int) else str(pk)

    def level(self, code: Any) -> str:
        if not code:
            return _("none")
        return str(self.levels.get(code, code))

    def problem(self, data: Mapping[str, Any]) -> str:
        if data.get("number"):
            return str(data["number"])
        return self.problems.get(data.get("problem") or 0, _("a problem"))


def when(value: Any) -> str:
    """A stored ISO time as '4 dec 2026 14:05' in the display zone; '' when there is none."""
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        return ""
    return formats.date_format(timezone.localtime(parsed), "j M Y H:i")


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value).replace("_", " ")


def _with(text: str, extra: str) -> str:
    return f"{text} {extra}" if extra else text


def _note(data: Mapping[str, Any], key: str = "note") -> str:
    note = str(data.get(key) or "").strip()
    return _("Note: %(note)s") % {"note": note} if note else ""


def _dues(data: Mapping[str, Any]) -> str:
    parts = []
    if when(data.get("response_due_at")):
        parts.append(_("first response due %(at)s") % {"at": when(data["response_due_at"])})
    if when(data.get("resolution_due_at")):
        parts.append(_("resolution due %(at)s") % {"at": when(data["resolution_due_at"])})
    return "; ".join(parts)


def _created(d: Mapping[str, Any], n: Names) -> str:
    text = _("Registered via %(channel)s as %(type)s, priority %(level)s.") % {
        "channel": _label(Channel, d.get("channel")),
        "type": _label(RequestType, d.get("request_type")),
        "level": n.level(d.get("priority")),
    }
    if _dues(d):
        text = _with(text, _dues(d).capitalize() + ".")
    if when(d.get("received_at")):
        text = _with(text, _("The request came in at %(at)s.") % {"at": when(d["received_at"])})
    if d.get("received_how"):
        how = dict(RECEIVED_HOW).get(d["received_how"], d["received_how"])
        text = _with(text, _("How: %(how)s.") % {"how": how})
    if d.get("named_contact_override"):
        text = _with(
            text,
            _("Not a named contact; allowed because: %(why)s")
            % {"why": d["named_contact_override"]},
        )
    return text


def _status_changed(d: Mapping[str, Any], n: Names) -> str:
    text = _("Status changed from %(from)s to %(to)s.") % {
        "from": _label(Status, d.get("from")),
        "to": _label(Status, d.get("to")),
    }
    reason = str(d.get("reason") or "")
    return _with(
        text, _("Reason: %(reason)s") % {"reason": segment_reason(reason)} if reason else ""
    )


def _message_added(d: Mapping[str, Any], n: Names) -> str:
    if d.get("automated"):
        return _("An automatic message was sent.")
    if d.get("message_kind") == MessageKind.INTERNAL:
        return _("An internal note was added.")
    if d.get("update_kind") in UpdateKind.values:
        return _("A %(kind)s was sent to the customer.") % {
            "kind": UpdateKind(d["update_kind"]).label
        }
    return _("A public reply was added.")


def _assigned(d: Mapping[str, Any], n: Names) -> str:
    if d.get("to") is None:
        return _("Unassigned (was %(from)s).") % {"from": n.user(d.get("from"))}
    return _("Assigned to %(to)s (was %(from)s).") % {
        "to": n.user(d.get("to")),
        "from": n.user(d.get("from")),
    }


def _line_changed(d: Mapping[str, Any], n: Names) -> str:
    return _("Moved from the %(from)s to the %(to)s.") % {
        "from": _label(Line, d.get("from")),
        "to": _label(Line, d.get("to")),
    }


def _priority_changed(d: Mapping[str, Any], n: Names) -> str:
    text = _("Priority changed from %(from)s to %(to)s (%(why)s): %(reason)s") % {
        "from": n.level(d.get("from")),
        "to": n.level(d.get("to")),
        "why": _label(PriorityReason, d.get("reason_code")),
        "reason": d.get("reason") or "—",
    }
    return _with(text, _dues(d).capitalize() + "." if _dues(d) else "")


def _priority_requested(d: Mapping[str, Any], n: Names) -> str:
    return _("The customer asked for priority %(level)s: %(reason)s") % {
        "level": n.level(d.get("level")),
        "reason": d.get("reason") or "—",
    }


def _priority_decided(d: Mapping[str, Any], n: Names) -> str:
    text = (
        _("The customer's priority request was accepted.")
        if d.get("state") == RequestState.ACCEPTED
        else _("The customer's priority request was rejected.")
    )
    return _with(text, _note(d))


def _root_cause(d: Mapping[str, Any], n: Names) -> str:
    due = when(d.get("resolution_due_at"))
    if due:
        return _("Root cause recorded; the resolution is now due %(at)s.") % {"at": due}
    return _("Root cause recorded.")


def _exempted(d: Mapping[str, Any], n: Names) -> str:
    text = _("Left out of the SLA figures: %(reason)s") % {"reason": d.get("reason") or "—"}
    return _with(text, _("(resolution owned by the vendor)") if d.get("vendor_owned") else "")


def _escalated(d: Mapping[str, Any], n: Names) -> str:
    text = _("%(level)s: %(reason)s.") % {
        "level": _label(Level, d.get("level")).capitalize(),
        "reason": _label(Reason, d.get("reason")),
    }
    recipients = d.get("recipients") or []
    if recipients:
        text = _with(text, _("Told: %(who)s.") % {"who": ", ".join(map(str, recipients))})
    if d.get("configuration_error"):
        text = _with(
            text, _("Nobody could be told: %(problem)s") % {"problem": d["configuration_error"]}
        )
    return text


def _oncall_paged(d: Mapping[str, Any], n: Names) -> str:
    if d.get("role") == "escalation_contact" and d.get("step") == 1:  # nobody on the rota
        text = _("Nobody was on call; the escalation contact %(name)s was paged.")
    elif d.get("role") == "escalation_contact":
        text = _("Nobody on call acknowledged; the escalation contact %(name)s was paged.")
    else:
        text = _("%(name)s was paged on call (step %(step)s).")
    return text % {"name": d.get("name") or "—", "step": d.get("step") or 1}


def _oncall_acknowledged(d: Mapping[str, Any], n: Names) -> str:
    return _("%(name)s acknowledged the on-call page.") % {"name": d.get("name") or "—"}


def _fallback(d: Mapping[str, Any], n: Names) -> str:
    if d.get("to"):
        return _("%(refused)s could not receive the escalation mail; sent to %(to)s instead.") % {
            "refused": d.get("refused") or "—",
            "to": d["to"],
        }
    return _("%(refused)s could not receive the escalation mail; there is nobody next in line.") % {
        "refused": d.get("refused") or "—"
    }


def _time_entry(d: Mapping[str, Any], n: Names) -> str:
    values = {"minutes": d.get("minutes"), "category": _label(TimeCategory, d.get("category"))}
    if "billable" in d:  # registered before the contract's rules decided (issue 14 §1)
        if d.get("billable"):
            return _("%(minutes)s minutes of %(category)s registered, billable.") % values
        return _("%(minutes)s minutes of %(category)s registered, not billable.") % values
    if d.get("distance_km") is not None:
        return _("%(minutes)s minutes of travel registered, %(km)s km one way.") % {
            **values,
            "km": d["distance_km"],
        }
    return _("%(minutes)s minutes of %(category)s registered.") % values


def _time_override(d: Mapping[str, Any], n: Names) -> str:
    reason = {"reason": d.get("reason") or "—"}
    if d.get("billable") is None:
        return _("The contract's rules decide again whether this time is billed: %(reason)s") % (
            reason
        )
    if d.get("billable"):
        return _("Time marked billable, against the contract's rules: %(reason)s") % reason
    return _("Time marked not billable, against the contract's rules: %(reason)s") % reason


def _vendor(d: Mapping[str, Any]) -> str:
    name = d.get("vendor_name") if d.get("vendor") == Vendor.OTHER else None
    vendor = str(name or _label(Vendor, d.get("vendor")))
    ref = d.get("vendor_reference")
    return (
        _("%(vendor)s (their reference %(ref)s)") % {"vendor": vendor, "ref": ref}
        if ref
        else vendor
    )


def _problem(template: Promise) -> Callable[[Mapping[str, Any], Names], str]:
    def sentence(d: Mapping[str, Any], n: Names) -> str:
        return str(template) % {"number": n.problem(d)}

    return sentence


def _problem_opened(d: Mapping[str, Any], n: Names) -> str:
    if d.get("automatic"):
        return _("Problem %(number)s opened automatically for this Top incident.") % {
            "number": n.problem(d)
        }
    return _("Problem %(number)s opened from this ticket.") % {"number": n.problem(d)}


def _problem_unlinked(d: Mapping[str, Any], n: Names) -> str:
    text = _("Unlinked from problem %(number)s.") % {"number": n.problem(d)}
    reason = str(d.get("reason") or "")
    if reason.startswith("moved to "):
        return _("Moved from problem %(number)s to %(other)s.") % {
            "number": n.problem(d),
            "other": reason.removeprefix("moved to "),
        }
    return text


def _rca_requested(d: Mapping[str, Any], n: Names) -> str:
    text = _("The customer asked in writing for an RCA on %(at)s (problem %(number)s).") % {
        "at": when(d.get("requested_at")) or "—",
        "number": n.problem(d),
    }
    if when(d.get("rca_due_at")):
        text = _with(text, _("The RCA is due %(at)s.") % {"at": when(d["rca_due_at"])})
    return text


def _rca_due(d: Mapping[str, Any], n: Names) -> str:
    return _("The RCA of problem %(number)s is due %(at)s.") % {
        "number": n.problem(d),
        "at": when(d.get("rca_due_at")) or "—",
    }


def _rca_delivered(d: Mapping[str, Any], n: Names) -> str:
    values = {"number": n.problem(d)}
    if d.get("on_time") is False:
        return _("The RCA of problem %(number)s was delivered, late.") % values
    return _("The RCA of problem %(number)s was delivered on time.") % values


def _sharing(d: Mapping[str, Any], n: Names) -> str:
    if d.get("shared"):
        return _("Shared with the customer's colleagues.")
    return _("No longer shared with the customer's colleagues.")


def _critical_resource(d: Mapping[str, Any], n: Names) -> str:
    who = n.user(d.get("resource"))
    if d.get("from") is None:
        return _("%(who)s is the critical situation resource.") % {"who": who}
    return _("%(who)s is the critical situation resource, in place of %(before)s.") % {
        "who": who,
        "before": n.user(d.get("from")),
    }


def _executives_notified(d: Mapping[str, Any], n: Names) -> str:
    whom = ", ".join(str(e) for e in d.get("recipients", ()))
    if d.get("side") == "customer":
        text = _("The customer's senior executives were notified (%(whom)s).") % {"whom": whom}
    else:
        text = _("Our senior executives were notified (%(whom)s).") % {"whom": whom}
    return _with(text, _note(d))


def _plain(template: Promise) -> Callable[[Mapping[str, Any], Names], str]:
    def sentence(d: Mapping[str, Any], n: Names) -> str:
        return _with(str(template), _note(d))

    return sentence


Sentence = Callable[[Mapping[str, Any], Names], str]

SENTENCES: dict[str, Sentence] = {
    "created": _created,
    "status_changed": _status_changed,
    "message_added": _message_added,
    "first_response": _plain(gettext_lazy("First response given: the response clock stopped.")),
    "assigned": _assigned,
    "line_changed": _line_changed,
    "priority_changed": _priority_changed,
    "priority_change_requested": _priority_requested,
    "priority_change_decided": _priority_decided,
    "root_cause_recorded": _root_cause,
    "completeness_checked": _plain(gettext_lazy("Checked complete by the first line.")),
    "critical_resource_assigned": _critical_resource,
    "executives_notified": _executives_notified,
    "effort_24x7_requested": _plain(
        gettext_lazy("24x7 effort requested (the clocks do not change).")
    ),
    "sla_exempted": _exempted,
    "sla_recomputed": lambda d, n: (
        _("SLA recomputed under the contract's current terms: %(reason)s")
        % {"reason": d.get("reason") or "—"}
    ),
    "survey_answered": lambda d, n: (
        _("Satisfaction survey answered: %(score)s out of 5.") % {"score": d.get("score")}
    ),
    "escalated": _escalated,
    "escalation_fallback": _fallback,
    "oncall_paged": _oncall_paged,
    "oncall_acknowledged": _oncall_acknowledged,
    "time_entry_added": _time_entry,
    "time_entry_billable_overridden": _time_override,
    "attachments_added": lambda d, n: (
        _("Files added: %(count)s.") % {"count": len(d.get("attachments") or [])}
    ),
    "vendor_escalated": lambda d, n: _("Escalated to %(vendor)s.") % {"vendor": _vendor(d)},
    "vendor_update_shared": lambda d, n: _with(
        _("Update from %(vendor)s shared with the customer.") % {"vendor": _vendor(d)}, _note(d)
    ),
    "vendor_escalation_closed": lambda d, n: _with(
        _("Escalation to %(vendor)s closed.") % {"vendor": _vendor(d)}, _note(d)
    ),
    "problem_opened": _problem_opened,
    "problem_linked": _problem(gettext_lazy("Linked to problem %(number)s.")),
    "problem_unlinked": _problem_unlinked,
    "problem_closed": _problem(gettext_lazy("Problem %(number)s closed.")),
    "problem_root_cause_recorded": _problem(
        gettext_lazy("Root cause of problem %(number)s recorded.")
    ),
    "problem_workaround_recorded": _problem(
        gettext_lazy("Workaround of problem %(number)s recorded.")
    ),
    "rca_requested": _rca_requested,
    "rca_due_set": _rca_due,
    "rca_delivered": _rca_delivered,
    "customer_reply_seen": _plain(
        gettext_lazy("The engineer opened the ticket after the customer's reply.")
    ),
    "sharing_changed": _sharing,
}


def humanise(key: str) -> str:
    return key.replace("_", " ").strip().capitalize()


def _words(value: Any, n: Names) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Mapping):
        return ", ".join(f"{humanise(str(k)).lower()} {_words(v, n)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_words(v, n) for v in value)
    if isinstance(value, str) and value in Status.values:
        return _label(Status, value)
    return when(value) or str(value)


# Data keys that are row ids or bookkeeping: not shown by the fallback.
HIDDEN = {"message", "escalation", "request", "problem", "problem_id", "entry", "automated"}


def fallback_sentence(data: Mapping[str, Any], names: Names) -> str:
    """A kind without a sentence: its data as "Key: value" in words, never a raw dict."""
    parts = [
        f"{humanise(str(key))}: {_words(value, names)}"
        for key, value in data.items()
        if key not in HIDDEN and value not in (None, "", [], {})
    ]
    return "; ".join(parts)


def event_sentence(kind: str, data: Mapping[str, Any], names: Names) -> str:
    sentence = SENTENCES.get(kind)
    return sentence(data, names) if sentence else fallback_sentence(data, names)
