"""A database outage answers 503 "try again shortly", also when it is only the session that
cannot be saved at the end of a request (Django calls that SessionInterrupted, a 400); a
session really deleted meanwhile (a logout in another tab) stays a 400.

The failures are real database errors: Django's own execute_wrapper hook makes the statement
fail the way MySQL does when the server has gone away."""

from django.db import OperationalError, connection
from django.test import Client

from tests.factories import make_category, make_product


def server_gone_on_session_update(execute, sql, params, many, context):
    if sql.lstrip().upper().startswith("UPDATE") and "django_session" in sql:
        raise OperationalError(2006, "MySQL server has gone away")
    return execute(sql, params, many, context)


def server_gone(execute, sql, params, many, context):
    raise OperationalError(2013, "Lost connection to MySQL server during query")


def session_deleted_before_update(execute, sql, params, many, context):
    if sql.lstrip().upper().startswith("UPDATE") and "django_session" in sql:
        with connection.cursor() as cursor:  # as a logout in another tab would
            cursor.execute("DELETE FROM django_session")
    return execute(sql, params, many, context)


def guest_with_a_saved_session():
    client = Client(raise_request_exception=False)
    session = client.session
    session["seen"] = True
    session.save()
    return client


def add_to_cart(client, product, language="en"):
    return client.post(f"/{language}/cart/add/", {"product_id": product.pk, "quantity": 1})


def test_a_session_that_cannot_be_saved_in_an_outage_answers_503_not_400(shop):
    product = make_product(make_category(), stock=5)
    client = guest_with_a_saved_session()
    with connection.execute_wrapper(server_gone_on_session_update):
        response = add_to_cart(client, product)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Please try again shortly" in page
    assert response["X-Request-ID"] in page  # the reference a shopper can quote


def test_the_api_answers_its_own_error_shape_in_an_outage(shop):
    product = make_product(make_category(), stock=5)
    client = guest_with_a_saved_session()
    with connection.execute_wrapper(server_gone_on_session_update):
        response = client.post(
            "/api/cart/add/",
            {"product_id": product.pk, "quantity": 1},
            content_type="application/json",
        )
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"


def test_a_session_really_deleted_meanwhile_is_still_a_400(shop):
    product = make_product(make_category(), stock=5)
    client = guest_with_a_saved_session()
    with connection.execute_wrapper(session_deleted_before_update):
        response = add_to_cart(client, product)
    assert response.status_code == 400


def test_a_database_outage_during_a_page_answers_503(shop):
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(server_gone):
        response = client.get("/en/cart/")
    assert response.status_code == 503
    assert "Please try again shortly" in response.content.decode()


def test_a_database_outage_in_the_api_answers_503_in_its_error_shape(shop):
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(server_gone):
        response = client.get("/api/cart/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["error"]["code"] == "unavailable"
