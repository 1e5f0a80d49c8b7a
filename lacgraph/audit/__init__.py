"""The chained audit log: who did what to whom, when (the CLI and the web app both write it).

:mod:`.appfile` opens the app database file (beside the data store) that the audit log
shares with the web app's accounts and sessions, and says where it lives by default;
:mod:`.log` reads and writes the audit table; :mod:`.chain` computes and checks the rows'
hash chain.

May import: the core vocabulary (``lacgraph.errors``, ``lacgraph.output``). Never
``lacgraph.web``, ``lacgraph.cli``, ``lacgraph.report``, ``lacgraph.analysis`` or the facade
(``tests/unit/test_architecture.py`` holds it to this).
"""

from lacgraph.audit.appfile import AppFile, default_app_db
from lacgraph.audit.log import AUDIT_COLUMNS, AuditLog, escape_controls

__all__ = ["AUDIT_COLUMNS", "AppFile", "AuditLog", "default_app_db", "escape_controls"]
