"""A rendered page's context is freed by reference counting, not left to the garbage collector
(servicedesk.template_backend, issue #16)."""

import weakref

import pytest
from django.template import TemplateDoesNotExist, engines
from django.template.loader import render_to_string
from django.test import RequestFactory


class Page:
    """Stands for what a page's context holds (a change list and its rows)."""

    def __str__(self) -> str:
        return "the page"


def _rendered_and_freed(render) -> tuple[str, bool]:
    page = Page()
    kept = weakref.ref(page)
    text = render({"page": page}, RequestFactory().get("/"))
    del page
    return text, kept() is None


def test_a_template_file_lets_its_request_context_go(no_garbage_collector):
    text, freed = _rendered_and_freed(
        lambda context, request: render_to_string("portal/base.html", context, request)
    )
    assert "<html" in text
    assert freed


def test_a_template_string_lets_its_request_context_go(no_garbage_collector):
    template = engines["django"].from_string("{% for x in 'ab' %}{{ page }} {% endfor %}")
    text, freed = _rendered_and_freed(template.render)
    assert text == "the page the page "
    assert freed


def test_a_missing_template_is_still_named():
    with pytest.raises(TemplateDoesNotExist, match=r"no/such/page\.html"):
        render_to_string("no/such/page.html", {})
