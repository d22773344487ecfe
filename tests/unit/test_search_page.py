"""A search page's page count and neighbours, from its total and size alone."""

import pytest

from directory.services.search.nearby import NO_FILTERS, SearchFilters, SearchPage


@pytest.mark.parametrize(
    ("total", "per_page", "pages"),
    [
        (0, 20, 1),
        (1, 20, 1),
        (19, 20, 1),
        (20, 20, 1),
        (21, 20, 2),
        (40, 20, 2),
        (41, 20, 3),
        (7, 1, 7),
        (1000, 3, 334),
    ],
)
def test_pages_round_up_and_are_at_least_one(total, per_page, pages):
    assert SearchPage([], total, 1, per_page).pages == pages


@pytest.mark.parametrize(
    ("page", "total", "has_prev", "has_next"),
    [
        (1, 0, False, False),
        (1, 20, False, False),
        (1, 21, False, True),
        (2, 21, True, False),
        (2, 41, True, True),
        (3, 41, True, False),
        (4, 41, True, False),  # beyond the end
    ],
)
def test_neighbouring_pages(page, total, has_prev, has_next):
    result = SearchPage([], total, page, 20)
    assert (result.has_prev, result.has_next) == (has_prev, has_next)


def test_a_page_defaults_to_no_filters_and_an_exact_total():
    page = SearchPage([], 3, 1, 20)
    assert (page.filters, page.total_is_capped) == (SearchFilters(), False)
    assert SearchFilters() == NO_FILTERS and NO_FILTERS.verified_only is True
