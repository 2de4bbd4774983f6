"""Helpers for the data migrations that grant the provider role groups their permissions
(escalation.0002_provider_roles, backoffice.0001_backoffice_roles). They use the historical
models passed in `apps`, never the current ones."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.management import create_permissions

Grants = dict[str, dict[str, tuple[str, ...]]]


def permissions_create(apps: Any) -> None:
    """Content types and permissions may not exist yet: post_migrate has not run in a fresh
    migrate. Same trick as Django's own auth migrations."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def role_permissions(apps: Any, grants: dict[str, tuple[str, ...]]) -> list[Any]:
    """The Permission rows of one role's table; a missing one is an error, not a silent gap."""
    permission_model = apps.get_model("auth", "Permission")
    wanted = {
        (label.split(".")[0], f"{action}_{label.split('.')[1]}")
        for label, actions in grants.items()
        for action in actions
    }
    found = [
        p
        for p in permission_model.objects.filter(
            content_type__app_label__in={app for app, _ in wanted},
            codename__in={codename for _, codename in wanted},
        ).select_related("content_type")
        if (p.content_type.app_label, p.codename) in wanted
    ]
    if len(found) != len(wanted):
        missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
        raise LookupError(f"permissions not found: {sorted(missing)}")
    return found


def grants_add(apps: Any, grants: Grants) -> None:
    permissions_create(apps)
    group_model = apps.get_model("auth", "Group")
    for name, table in grants.items():
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.add(*role_permissions(apps, table))


def grants_remove(apps: Any, grants: Grants) -> None:
    group_model = apps.get_model("auth", "Group")
    for name, table in grants.items():
        group = group_model.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(*role_permissions(apps, table))
