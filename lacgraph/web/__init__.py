"""The web app for coordinators, evaluators, managers and admins (``lacgraph serve``).

Server-rendered Flask pages, every asset local (works offline), accounts with roles in a
small app database beside the store, server-side sessions, CSRF on every form, an audit log,
strict security headers. See :func:`create_app`.
"""

from lacgraph.audit.appfile import default_app_db
from lacgraph.web.accounts import ROLES, User
from lacgraph.web.app import create_app
from lacgraph.web.appdb import AppDB

__all__ = ["ROLES", "AppDB", "User", "create_app", "default_app_db"]
