"""Customers, their contacts and the contacts' roles (D14, D15)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.exceptions import ContactNameRefused
from contracts.models import Contact, ContactChangeStatus, ContactRole, Customer
from contracts.selectors import contact_change_requests_pending, contact_role_problem
from contracts.selectors_people import contact_login_choices
from contracts.services.contacts import contact_name_checked
from contracts.text import person_name_validate


class ContactForm(forms.ModelForm):
    """A contact's name is refused with line breaks or address syntax and stored cleaned of
    invisible characters, by the contact services' rule (issue #10 §2)."""

    class Meta:
        model = Contact
        # The admin passes its own field list; this is the list outside the admin.
        fields = ["customer", "user", "name", "email", "phone", "language", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields.get("user")
        if isinstance(login, forms.ModelChoiceField):
            login.queryset = contact_login_choices(self.instance)

    def clean_name(self) -> str:
        try:
            return contact_name_checked(self.cleaned_data.get("name") or "")
        except ContactNameRefused as refused:
            raise ValidationError(str(refused), code="name_syntax") from refused


class PersonNameUserChangeForm(UserChangeForm):
    """A user's first and last name go into mail headers as well (issue #10 §2)."""

    def clean_first_name(self) -> str:
        value: str = self.cleaned_data.get("first_name") or ""
        person_name_validate(value)
        return value

    def clean_last_name(self) -> str:
        value: str = self.cleaned_data.get("last_name") or ""
        person_name_validate(value)
        return value


class PersonNameUserAdmin(UserAdmin):
    form = PersonNameUserChangeForm


admin.site.unregister(User)
admin.site.register(User, PersonNameUserAdmin)


class ContactRoleForm(forms.ModelForm):
    class Meta:
        model = ContactRole
        fields = ["contact", "contract", "role"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("contact") and data.get("contract") and data.get("role"):
            problem = contact_role_problem(
                contact=data["contact"], contract=data["contract"], role=data["role"]
            )
            if problem:
                raise ValidationError(problem)
        return data


class ContactInline(admin.TabularInline):
    model = Contact
    form = ContactForm
    extra = 0
    fields = ["name", "email", "phone", "language", "is_active"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "country", "licence_count", "is_active"]
    search_fields = ["name", "code"]
    readonly_fields = ["pending_contact_requests"]
    inlines = [ContactInline]

    @admin.display(description=_("named-contact requests"))
    def pending_contact_requests(self, obj: Customer) -> str:
        """One count query; links to the customer's pending requests (D14)."""
        if obj.pk is None:
            return "-"
        count = contact_change_requests_pending(obj.pk)
        url = reverse("admin:contracts_contactchangerequest_changelist")
        query = f"?customer__id__exact={obj.pk}&status__exact={ContactChangeStatus.PENDING}"
        return format_html(
            '<a href="{}{}">{}</a>',
            url,
            query,
            gettext("%(count)s pending") % {"count": count},
        )


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    form = ContactForm
    list_display = ["name", "email", "customer", "is_active", "user", "email_bounced_at"]
    # Issue #10 §3: mail to the address bounced; clear the date once the address is fixed.
    list_filter = ["is_active", ("email_bounced_at", admin.EmptyFieldListFilter), "customer"]
    search_fields = ["name", "email", "customer__name"]
    list_select_related = ["customer", "user"]
    autocomplete_fields = ["customer"]


@admin.register(ContactRole)
class ContactRoleAdmin(admin.ModelAdmin):
    form = ContactRoleForm
    list_display = ["contact", "role", "contract"]
    list_filter = ["role"]
    list_select_related = ["contact", "contract"]
    autocomplete_fields = ["contact"]
