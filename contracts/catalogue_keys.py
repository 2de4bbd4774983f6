"""The keys a catalogue file may use, per section (catalogue/README.md)."""

# Every key the loader reads; anything else is a typo that would silently drop data.
ALLOWED_KEYS: dict[str, frozenset[str]] = {
    "": frozenset(
        {
            "schema",
            "provider",
            "calendars",
            "packages",
            "services",
            "channels",
            "escalation_contacts",
            "escalation_policies",
            "policies",
        }
    ),
    "provider": frozenset({"code", "name"}),
    "calendars": frozenset(
        {"code", "name", "timezone", "always_open", "hours", "holidays", "source"}
    ),
    "holidays": frozenset(
        {"country", "subdivision", "categories", "remove_names", "extra_closures", "removals"}
    ),
    "packages": frozenset(
        {
            "code",
            "name",
            "description",
            "calendar",
            "named_contact_min",
            "named_contact_max",
            "requires_named_contact",
            "requires_support_services_manager",
            "precedence",
            "max_contiguous_minutes",
            "travel_factor",
            "billing_mode",
            "minimum_billable_minutes",
            "billing_increment_minutes",
            "out_of_hours_emergency",
            "fallback_package",
            "sort",
            "source",
        }
    ),
    "services": frozenset(
        {"code", "category", "name", "description", "unit", "notes", "source", "inclusion"}
    ),
    "channels": frozenset({"kind", "address", "rules", "preferred", "packages", "source"}),
    "escalation_contacts": frozenset({"level", "role", "name", "email", "phone", "packages"}),
    "policies": frozenset(
        {
            "code",
            "name",
            "packages",
            "service",
            "resolution_start",
            "is_default",
            "notes",
            "source",
            "targets",
        }
    ),
    "targets": frozenset(
        {
            "request_type",
            "level",
            "label_nl",
            "label_en",
            "rank",
            "response",
            "resolution",
            "attention",
            "critical_resource",
            "calendar",
            "clock",
            "compliance_threshold",
            "impact_scope",
            "impact_effect",
            "business_critical",
            "emergency",
            "effort",
            "provider_commitments",
            "customer_duties",
            "situation",
            "is_assumption",
            "sort",
        }
    ),
    "escalation_policies": frozenset(
        {
            "packages",
            "warning_percent",
            "level2_unacknowledged",
            "level2_unresolved_rank1",
            "level2_unresolved_other_business_days",
            "renotify",
            "status_update",
            "level1_on_create_levels",
            "level2_on_resolution_breach_levels",
            "manual_level3",
            "oncall_acknowledge",
            "source",
        }
    ),
}
