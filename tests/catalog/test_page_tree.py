"""Where each page type may live in the tree."""

import pytest
from wagtail.models import Page

from catalog.models import CategoryPage, HomePage, ProductPage
from tests.factories import home_page, make_category, make_product

pytestmark = pytest.mark.django_db


def test_every_page_type_declares_its_parents_and_children():
    for model in (HomePage, CategoryPage, ProductPage):
        assert "parent_page_types" in model.__dict__
        assert "subpage_types" in model.__dict__


def test_categories_live_under_home_or_another_category():
    home = home_page()
    category = make_category(home)
    assert CategoryPage.can_create_at(home)
    assert CategoryPage.can_create_at(category)
    assert set(CategoryPage.allowed_parent_page_models()) == {HomePage, CategoryPage}


def test_products_live_only_in_categories_and_have_no_children():
    home = home_page()
    category = make_category(home)
    product = make_product(category)
    assert ProductPage.can_create_at(category)
    assert not ProductPage.can_create_at(home)
    assert ProductPage.allowed_subpage_models() == []
    assert not CategoryPage.can_create_at(product)


def test_there_is_one_home_page_under_the_root():
    root = Page.get_first_root_node()
    assert HomePage.can_exist_under(root)
    assert not HomePage.can_create_at(root)  # max_count = 1 and it exists
    assert not HomePage.can_create_at(make_category())


def test_nested_category_lists_products_of_its_descendants():
    top = make_category(title="Food")
    sub = make_category(top, title="Pepper")
    subsub = make_category(sub, title="Black pepper")
    in_top = make_product(top)
    in_sub = make_product(sub)
    deep = make_product(subsub)
    unpublished = make_product(sub, publish=False)
    unpublished.unpublish()
    assert set(top.get_products()) == {in_top, in_sub, deep}
    assert set(sub.get_products()) == {in_sub, deep}
    assert list(top.get_subcategories()) == [sub]
