"""Helper for the migrations that move a model to another app without touching its table
(tickets.0013 takes the attachment from intake, notifications.0001 the outbox from escalation).

The table stays; the content type moves with the model, so the permissions granted to the role
groups (escalation.0002, backoffice.0001) and admin log entries keep pointing at it. They use
the historical models passed in `apps`, never the current ones."""

from __future__ import annotations

from typing import Any


def content_type_move(apps: Any, old: tuple[str, str], new: tuple[str, str]) -> None:
    """Relabel the content type (app_label, model) `old` as `new` and rename its permission
    codenames (`view_<old model>` becomes `view_<new model>`). A fresh database that has no
    content types yet has nothing to move. If both exist, the grants of the old permissions
    are carried over to the new ones and the old content type is deleted."""
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    source = content_type_model.objects.filter(app_label=old[0], model=old[1]).first()
    if source is None:
        return
    target = content_type_model.objects.filter(app_label=new[0], model=new[1]).first()
    permissions = list(permission_model.objects.filter(content_type=source))
    if target is None:
        source.app_label, source.model = new
        source.save(update_fields=["app_label", "model"])
        for permission in permissions:
            permission.codename = _codename(permission.codename, old[1], new[1])
            permission.save(update_fields=["codename"])
        return
    for permission in permissions:
        codename = _codename(permission.codename, old[1], new[1])
        replacement = permission_model.objects.filter(
            content_type=target, codename=codename
        ).first()
        if replacement is not None:
            for group in permission.group_set.all():
                group.permissions.add(replacement)
            for user in permission.user_set.all():
                user.user_permissions.add(replacement)
    source.delete()


def _codename(codename: str, old_model: str, new_model: str) -> str:
    action, _sep, model = codename.partition("_")
    return f"{action}_{new_model}" if model == old_model else codename
