"""The drill's object-storage check (ops.drill.objects): an attachment row whose object is not
in the bucket, a raw mail whose object is not in the bucket, or fewer attachment rows than
accepted portal tickets, fails; an object without a row (a request cut between the upload and
the commit) is only counted."""

from ops.drill.objects import objects_check

RAW = "mail/raw/ab/ab12.eml"


def test_every_row_has_its_object_and_orphans_are_only_counted() -> None:
    result = objects_check(
        ["attachments/a", "attachments/b"], [RAW], ["attachments/a", "attachments/b", RAW, "x"], 2
    )

    assert result["ok"]
    assert result["without_row"] == 1
    assert result["raw_mail_rows"] == 1


def test_a_missing_object_or_a_missing_row_fails() -> None:
    assert objects_check(["attachments/a"], [], [], 1)["missing"] == ["attachments/a"]
    assert not objects_check(["attachments/a"], [], [], 1)["ok"]
    assert not objects_check(["attachments/a"], [], ["attachments/a"], 2)["ok"]


def test_a_raw_mail_missing_from_the_bucket_fails() -> None:
    result = objects_check(["attachments/a"], [RAW], ["attachments/a"], 1)

    assert result["raw_mail_missing"] == [RAW]
    assert not result["ok"]
