"""The drill's object-storage check (ops.drill.objects): an attachment row whose object is not
in the bucket, or fewer rows than accepted portal tickets, fails; an object without a row (a
request cut between the upload and the commit) is only counted."""

from ops.drill.objects import objects_check


def test_every_row_has_its_object_and_orphans_are_only_counted() -> None:
    result = objects_check(
        ["attachments/a", "attachments/b"], ["attachments/a", "attachments/b", "x"], 2
    )

    assert result["ok"]
    assert result["without_row"] == 1


def test_a_missing_object_or_a_missing_row_fails() -> None:
    assert objects_check(["attachments/a"], [], 1)["missing"] == ["attachments/a"]
    assert not objects_check(["attachments/a"], [], 1)["ok"]
    assert not objects_check(["attachments/a"], ["attachments/a"], 2)["ok"]
