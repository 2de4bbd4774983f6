"""factory_boy factories for customers, contacts, contracts and users."""

from datetime import date

import factory
from django.contrib.auth import get_user_model

from contracts.models import (
    CatalogueService,
    Contact,
    ContactRole,
    ContactRoleKind,
    Contract,
    ContractStatus,
    Customer,
    Package,
)


def package_current(provider: str, code: str) -> Package:
    return Package.objects.get(
        release__provider__code=provider, release__is_current=True, code=code
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"agent{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@provider.example")
    is_staff = True


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    code = factory.Sequence(lambda n: f"customer-{n}")
    name = factory.Sequence(lambda n: f"Klant {n} B.V.")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@klant.example")


class ContractFactory(factory.django.DjangoModelFactory):
    """A current contract; pass provider_code/package_code to pick the catalogue package."""

    class Meta:
        model = Contract
        exclude = ("provider_code", "package_code")

    provider_code = "onitnow"
    package_code = "ons"
    reference = factory.Sequence(lambda n: f"C-{n:05d}")
    customer = factory.SubFactory(CustomerFactory)
    package = factory.LazyAttribute(lambda o: package_current(o.provider_code, o.package_code))
    provider = factory.LazyAttribute(lambda o: o.package.release.provider)
    status = ContractStatus.ACTIVE
    start_date = date(2025, 1, 1)


def named_contact(contract: Contract, **kwargs: object) -> Contact:
    """A contact of the contract's customer holding the named-contact role."""
    contact = ContactFactory(customer=contract.customer, **kwargs)
    ContactRole.objects.create(
        contact=contact, contract=contract, role=ContactRoleKind.NAMED_CONTACT
    )
    return contact


def contract_with_service(contract: Contract, service_code: str) -> Contract:
    service = CatalogueService.objects.get(release=contract.package.release, code=service_code)
    contract.services.add(service)
    return contract
