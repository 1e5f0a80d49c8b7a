"""Fixtures of the web tests: the hostile programme served by a real app, logged-in clients."""

from __future__ import annotations

import shutil
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

import lacgraph
from lacgraph.privacy import Pseudonymiser
from lacgraph.stores import MemoryStore
from lacgraph.web import AppDB, create_app
from tests.web.fixtures import (
    PASSWORD,
    QUICK_HASHER,
    add_accounts,
    csrf_from,
    hostile_tables,
    write_programme,
)


@pytest.fixture
def store_file(tmp_path):
    """A store file holding the hostile programme (for tests that write to it)."""
    path = tmp_path / "programme.lacgraph"
    with MemoryStore(path) as store:
        store.write(hostile_tables())
    return path


@pytest.fixture(scope="session")
def programme_folder(tmp_path_factory: pytest.TempPathFactory):
    return write_programme(tmp_path_factory.mktemp("hostile") / "data")


@pytest.fixture(scope="session")
def accounts_file(tmp_path_factory: pytest.TempPathFactory):
    """An app database with the six accounts (hashed once, by :data:`QUICK_HASHER`)."""
    path = tmp_path_factory.mktemp("accounts") / "app.sqlite"
    db = AppDB(path, hasher=QUICK_HASHER)
    add_accounts(db)
    db.close()
    return path


@pytest.fixture
def app_db(tmp_path, accounts_file) -> AppDB:
    path = tmp_path / "app.sqlite"
    shutil.copy(accounts_file, path)
    return AppDB(path, hasher=QUICK_HASHER)


@pytest.fixture
def app(programme_folder, app_db) -> Flask:
    G = lacgraph.open(programme_folder)
    return create_app(G, app_db, pseudonymiser=Pseudonymiser(b"test key"))


def log_in(client: FlaskClient, name: str, password: str = PASSWORD):
    """Log ``client`` in through the real form (CSRF token included); return the response."""
    token = csrf_from(client.get("/login").text)
    return client.post("/login", data={"name": name, "password": password,
                                       "csrf_token": token})


@pytest.fixture
def login(app) -> Callable[[str], FlaskClient]:
    def make(name: str) -> FlaskClient:
        client = app.test_client()
        response = log_in(client, name)
        assert response.status_code == 302, response.text
        return client

    return make
