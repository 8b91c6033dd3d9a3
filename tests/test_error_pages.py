"""The error pages a user meets when the server fails: Korean, and shown without the database."""

import pytest
from django.test import Client
from django.test.utils import override_settings


@pytest.fixture
def browser_client():
    # What a browser gets: the server's error page, not the exception.
    return Client(raise_request_exception=False)


def test_with_the_database_down_the_error_page_is_korean_and_needs_no_database(browser_client):
    # No `db` fixture: here every query raises, as when PostgreSQL is stopped. A session cookie
    # makes the first middleware read the database.
    browser_client.cookies["sessionid"] = "a" * 32
    response = browser_client.get("/clients/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "일시적으로" in page and "저장한 내용은 그대로" in page
    assert "Server Error" not in page
    assert 'href="/"' in page


@override_settings(ALLOWED_HOSTS=["casemgmt.example.kr"])
def test_a_request_the_server_cannot_read_gets_the_korean_400_page(browser_client):
    response = browser_client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    page = response.content.decode()
    assert "요청을 처리할 수 없습니다" in page and "Bad Request" not in page
