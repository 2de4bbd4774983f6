import pytest
from django.db import connection

@pytest.mark.django_db(transaction=True)
def test_probe():
    print("NAME", connection.settings_dict["NAME"], connection.settings_dict.get("TEST"))
