"""The audit log: who did what to whom, when; one append-only table in the app database.

The web app writes a row for every page that shows or downloads people's data, the command
line for every account change, erasure and subject-access export. Each row carries a
SHA-256 hash chained to the previous row (:mod:`lacgraph.audit.chain`):
:meth:`AuditLog.verify_audit` finds the first row changed, inserted or deleted.

The head (the newest row's ``seq`` and hash) is kept in the same file, so someone who
edits the file can rewrite rows, recompute the chain and move the head too. Copies of the
head kept *outside* the file anchor it: ``lacgraph audit --head`` prints it (to paste
into a ticket), ``lacgraph serve`` writes it to its standard error (journald under
systemd) at start and every :data:`HEAD_EVERY` rows (:attr:`AuditLog.head_every`), and
:meth:`AuditLog.check_head` (``lacgraph audit --verify --expect-head SEQ:HASH``) says
whether a head kept outside is still a row of the log with that hash.

Examples
--------
>>> log = AuditLog(":memory:")
>>> log.audit("cli", "cli", "export.person", "p1", "file=p1.json")
>>> log.audit_about("p1")[0][4:7]
('export.person', 'p1', 'file=p1.json')
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sqlite3
import sys
import threading
import unicodedata
from collections.abc import Callable

from lacgraph.audit.appfile import AppFile, stamp, utcnow
from lacgraph.audit.chain import (
    GENESIS,
    PSEUDONYMISED,
    SEALED,
    chained_fields,
    legacy,
    missing_hashes,
    personal_digest,
    problem,
    row_hash,
    seal,
    spans,
)
from lacgraph.errors import StoreError

__all__ = ["AUDIT_COLUMNS", "HEAD_EVERY", "AuditLog", "escape_controls", "format_head",
           "parse_head"]

HEAD_EVERY = 100
"""A server announces the audit head every this many rows (see :attr:`AuditLog.head_every`)."""

AUDIT_COLUMNS: tuple[str, ...] = ("seq", "at", "user", "role", "action", "target", "detail",
                                  "address")

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL,
    address TEXT NOT NULL,
    hash TEXT NOT NULL DEFAULT '',
    salt TEXT NOT NULL DEFAULT '',
    personal TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
"""

_CHECKED = ("SELECT seq, at, user, role, action, target, detail, address, hash, salt, personal "
            "FROM audit ORDER BY seq")

_ALL = f"SELECT {', '.join(AUDIT_COLUMNS)}, hash FROM audit ORDER BY seq"  # noqa: S608


def escape_controls(text: str) -> str:
    r"""``text`` with control and format characters (ANSI escapes, CR/LF, bidi overrides)
    written as ``\xNN``/``\uNNNN``, so printing it cannot repaint a terminal or
    reorder a line (a backslash itself is doubled).

    Examples
    --------
    >>> print(escape_controls("ann\x1b[2J\u202eevil\n"))
    ann\x1b[2J\u202eevil\n
    >>> escape_controls("Zoë")
    'Zoë'
    """
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"):
            code = ord(char)
            out.append(char.encode("unicode_escape").decode("ascii") if code < 0x100
                       else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out)


def _whole_word(text: str, ignore_case: bool = False) -> re.Pattern[str]:
    """``text`` where it is not part of a longer id or word."""
    return re.compile(rf"(?<![\w-]){re.escape(text)}(?![\w-])",
                      re.IGNORECASE if ignore_case else 0)


def _append(db: sqlite3.Connection, rows: list[tuple[str, ...]]) -> None:
    """Inside a write transaction: append ``rows`` (at, user, role, action, target,
    detail, address), each with its salt, personal digest and hash chained to the head
    (not to the last row left: rows dropped from the end break the chain of the next),
    and move the head to the newest."""
    head = db.execute("SELECT hash FROM audit_head WHERE id = 1").fetchall()
    if not head:
        head = db.execute("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1").fetchall()
    previous = head[0][0] if head else GENESIS
    out = []
    for row in rows:
        salt = secrets.token_hex(16)
        personal = personal_digest(salt, row[4], row[5])
        previous = row_hash(previous, chained_fields(row, personal))
        out.append((*row, previous, salt, personal))
    db.executemany("INSERT INTO audit (at, user, role, action, target, detail, address, hash, "
                   "salt, personal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", out)
    seq = db.execute("SELECT max(seq) FROM audit").fetchone()[0]
    db.execute("INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT (id) "
               "DO UPDATE SET seq = excluded.seq, hash = excluded.hash", (seq, previous))


class _Pending:
    """One audit row waiting to be written (see :meth:`AuditLog.audit`)."""

    __slots__ = ("done", "error", "row")

    def __init__(self, row: tuple[str, ...]):
        self.row = row
        self.done = False
        self.error: BaseException | None = None


class AuditLog:
    """The audit log in the app database ``file`` (an :class:`AppFile` shared with the
    web app's accounts and sessions, or a path: then the log opens the file itself).

    Safe to share between threads: reads use the file's connection; rows are written over
    a second connection of their own, so a page's session lookup never waits for another
    page's audit row to reach the disk.
    """

    def __init__(self, file: AppFile | str | os.PathLike[str]):
        self._owns_file = not isinstance(file, AppFile)
        self.file = AppFile(file) if not isinstance(file, AppFile) else file
        self.path = self.file.path
        with self.file.opening():
            columns = [r[1] for r in self.file.run("PRAGMA table_info(audit)")]
            if columns and "hash" not in columns:  # an app database from before the chain
                self.file.run("ALTER TABLE audit ADD COLUMN hash TEXT NOT NULL DEFAULT ''")
            for column in ("salt", "personal"):  # from before personal digests (issue 23)
                if columns and column not in columns:
                    self.file.run(f"ALTER TABLE audit ADD COLUMN {column} TEXT NOT NULL "
                                  "DEFAULT ''")
            self.file.create(SCHEMA)
            if columns and "hash" not in columns:
                self._chain_old_rows()
            if columns and ("salt" not in columns or "personal" not in columns
                            or self.file.run("SELECT 1 FROM audit WHERE salt = '' AND "
                                             "personal = '' LIMIT 1")):
                self._seal_old_rows()
        self.head_every = 0
        """Announce the head (:meth:`announce_head`) each time the log passes a multiple of
        this many rows (0: never; ``lacgraph serve`` sets :data:`HEAD_EVERY`)."""
        self.announce: Callable[[str], None] = _to_stderr
        """Where the head is announced: one line (standard error by default)."""
        # the writer: rows waiting are written together (see audit_later())
        self._pending: list[_Pending] = []
        self._queue = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closing = False
        if self.file.in_memory:  # one database per connection: share the one
            self._writer, self._write_lock = self.file.db, self.file.lock
        else:
            self._writer = _open_writer(self.path)
            self._write_lock = threading.RLock()

    def close(self) -> None:
        """Stop writing (after writing every row queued); close the file if the log opened
        it."""
        with self._queue:
            self._closing = True
            self._queue.notify_all()
        if self._thread is not None:
            self._thread.join()
        with self._write_lock:
            if self._writer is not self.file.db:
                self._writer.close()
        if self._owns_file:
            self.file.close()

    def audit(self, user: str, role: str, action: str, target: str = "", detail: str = "",
              address: str = "") -> None:
        """Append one line to the audit log (UTC time stamp; rows are never updated), its
        hash chained to the previous line's; return once it is committed to disk.

        Examples
        --------
        >>> log = AuditLog(":memory:")
        >>> log.audit("ann", "coordinator", "view.person", "p1")
        >>> [row[4:6] for row in log.audit_log()], log.verify_audit()
        ([('view.person', 'p1')], (1, None))
        """
        self.audit_later(user, role, action, target, detail, address)()

    def audit_later(self, user: str, role: str, action: str, target: str = "",
                    detail: str = "", address: str = "") -> Callable[[], None]:
        """Queue one audit line and return ``wait``: ``wait()`` returns once the line is
        committed to disk (and raises if writing it failed).

        A web request queues its line as soon as it knows what is viewed and waits before
        its answer leaves (see :mod:`lacgraph.web.app`), so the disk works while the page
        is written. One writer thread writes every line queued so far in one transaction
        (one wait for the disk for all the requests of that moment), chaining their hashes
        in queue order. (An in-memory database is written at once.)

        Examples
        --------
        >>> log = AuditLog(":memory:")
        >>> wait = log.audit_later("ann", "coordinator", "view.person", "p1")
        >>> wait()
        >>> log.verify_audit()
        (1, None)
        """
        entry = _Pending((stamp(utcnow()), user, role, action, target, detail, address))
        if self._writer is self.file.db:
            with self._write_lock:
                self._write_audit([entry])
        else:
            with self._queue:
                if self._closing:
                    raise StoreError(f"{self.path}: the app database is closed")
                self._pending.append(entry)
                if self._thread is None:
                    self._thread = threading.Thread(target=self._write_queued, daemon=True,
                                                    name="lacgraph-audit")
                    self._thread.start()
                self._queue.notify_all()

        def wait() -> None:
            with self._queue:
                while not entry.done:
                    self._queue.wait()
            if entry.error is not None:
                raise entry.error

        return wait

    def _write_queued(self) -> None:
        """The writer thread: write what is queued, tell the waiting requests, repeat."""
        while True:
            with self._queue:
                while not self._pending and not self._closing:
                    self._queue.wait()
                if not self._pending:
                    return
                batch, self._pending = self._pending, []
            with self._write_lock:
                self._write_audit(batch)
            with self._queue:
                self._queue.notify_all()

    def _write_audit(self, batch: list[_Pending]) -> None:
        """Write ``batch`` in one transaction, chained to the last row on disk."""
        db = self._writer
        passed: tuple[int, str] | None = None
        try:
            db.execute("BEGIN IMMEDIATE")  # one writer at a time, across processes
            try:
                before = db.execute("SELECT seq FROM audit_head WHERE id = 1").fetchall()
                _append(db, [entry.row for entry in batch])
                seq, hash_ = db.execute("SELECT seq, hash FROM audit_head WHERE id = 1"
                                        ).fetchone()
                db.execute("COMMIT")
                every = self.head_every
                if every and (int(before[0][0]) if before else 0) // every < seq // every:
                    passed = (int(seq), str(hash_))
            except BaseException:
                db.execute("ROLLBACK")
                raise
        except BaseException as err:
            for entry in batch:
                entry.error = err
        finally:
            for entry in batch:
                entry.done = True
        if passed is not None:
            self._announce(passed)

    def verify_audit(self) -> tuple[int, int | None]:
        """Check the audit log's hash chain: return (rows checked, first broken ``seq`` or
        None). A row changed, inserted or deleted breaks the chain at that row (a deletion
        at the row after it).

        Examples
        --------
        >>> log = AuditLog(":memory:")
        >>> log.audit("ann", "admin", "login.success")
        >>> log.audit("ann", "admin", "logout")
        >>> log.verify_audit()
        (2, None)
        >>> _ = log.file.run("UPDATE audit SET user = 'bob' WHERE seq = 2")
        >>> log.verify_audit()
        (2, 2)
        """
        seq, _ = self.audit_problem_at()
        return len(self.file.run("SELECT seq FROM audit")), seq

    def audit_problem_at(self) -> tuple[int | None, str]:
        """(first bad ``seq``, what is wrong) or (None, ""): the chain, each row's
        personal digest, and the head (so dropping the newest rows is found and named).

        Examples
        --------
        >>> log = AuditLog(":memory:")
        >>> for n in range(3):
        ...     log.audit("ann", "admin", "view.person", f"p{n}")
        >>> _ = log.file.run("DELETE FROM audit WHERE seq = 3")
        >>> log.audit_problem_at()
        (3, 'the newest rows are missing: the log ends at row seq=2 but its head says seq=3')
        """
        with self.file.lock:
            rows = self.file.run(_CHECKED)
            head = self.file.run("SELECT seq, hash FROM audit_head WHERE id = 1")
        return problem(rows, (int(head[0][0]), str(head[0][1])) if head else None)


    def head(self) -> tuple[int, str] | None:
        """The newest row's ``seq`` and hash (None while the log is empty).

        Examples
        --------
        >>> log = AuditLog(":memory:")
        >>> log.head() is None
        True
        >>> log.audit("ann", "admin", "login.success")
        >>> log.head()[0], len(log.head()[1])
        (1, 64)
        """
        with self.file.lock:
            head = self.file.run("SELECT seq, hash FROM audit_head WHERE id = 1")
            if not head:
                head = self.file.run("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        return (int(head[0][0]), str(head[0][1])) if head else None

    def announce_head(self) -> None:
        """Announce the head now (:attr:`announce`), e.g. when a server starts."""
        head = self.head()
        if head is not None:
            self._announce(head)

    def _announce(self, head: tuple[int, str]) -> None:
        self.announce(f"lacgraph audit head {format_head(head)} ({self.path}); check later "
                      f"with: lacgraph audit --verify --expect-head {format_head(head)}")

    def check_head(self, expected: tuple[int | None, str]) -> str:
        """``""`` when a head kept outside the file (``(seq, hash)``; ``seq`` may be None)
        is a row of the log with that hash, else what is wrong. Rows appended after it
        are fine; the log's own chain is checked by :meth:`audit_problem_at`.

        Examples
        --------
        >>> log = AuditLog(":memory:")
        >>> log.audit("ann", "admin", "login.success")
        >>> kept = log.head()
        >>> log.audit("ann", "admin", "logout")
        >>> log.check_head(kept)
        ''
        >>> log.check_head((1, "0" * 64))
        'row seq=1 does not have the hash kept outside the log (000000000000...): it or a row before it was changed, or the log was rebuilt'
        """
        seq, hash_ = expected
        with self.file.lock:
            if seq is None:
                found = self.file.run("SELECT seq, hash FROM audit WHERE hash = ?", (hash_,))
                if found:
                    return ""
                return (f"no row has the hash kept outside the log ({hash_[:12]}...): rows up "
                        "to it were changed or deleted, or the log was rebuilt")
            found = self.file.run("SELECT hash FROM audit WHERE seq = ?", (seq,))
        if not found:
            return (f"row seq={seq}, the head kept outside the log, is missing: the newest "
                    "rows were deleted")
        if str(found[0][0]) != hash_:
            return (f"row seq={seq} does not have the hash kept outside the log "
                    f"({hash_[:12]}...): it or a row before it was changed, or the log was "
                    "rebuilt")
        return ""

    def _seal_old_rows(self) -> None:
        """Give rows written before personal digests existed their salt and digest, once,
        in one transaction that recomputes the chain from the first of them and appends a
        chained ``audit.sealed`` row naming them and the head before; so an erasure
        rewriting them later keeps the chain whole. Not done while the chain is broken
        (sealing would hide what broke it): ``audit --verify`` goes on naming that row."""
        db = self.file.db
        with self.file.lock:
            db.execute("BEGIN IMMEDIATE")
            try:
                rows = db.execute(_CHECKED).fetchall()
                old = legacy(rows)
                head = db.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchall()
                before = (int(head[0][0]), str(head[0][1])) if head else \
                    ((int(rows[-1][0]), str(rows[-1][8])) if rows else None)
                if not old or problem(rows, before)[0] is not None:
                    db.execute("ROLLBACK")
                    return
                updates = seal(rows, (secrets.token_hex(16) for _ in old))
                db.executemany("UPDATE audit SET hash = ?, salt = ?, personal = ? "
                               "WHERE seq = ?", updates)
                db.execute("INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) "
                           "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, "
                           "hash = excluded.hash", (updates[-1][3], updates[-1][0]))
                assert before is not None
                _append(db, [(stamp(utcnow()), "-", "-", SEALED, "", f"rows={spans(old)}; "
                              f"head before={before[0]}:{before[1]}", "")])
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise

    def sealed(self) -> list[tuple[int, str, str]]:
        """``(seq, at, rows)`` of each ``audit.sealed`` row: the rows written before
        personal digests that were given theirs then (``rows`` as ``1-57``)."""
        found = self.file.run("SELECT seq, at, detail FROM audit WHERE action = ? "
                              "ORDER BY seq", (SEALED,))
        return [(int(seq), str(at), str(detail).removeprefix("rows=").split(";")[0])
                for seq, at, detail in found]

    def _chain_old_rows(self) -> None:
        """Give rows written before the audit log was chained their hashes (once)."""
        for hash_, seq in missing_hashes(self.file.run(_ALL)):
            self.file.run("UPDATE audit SET hash = ? WHERE seq = ?", (hash_, seq))

    def pseudonymise_person(self, person: str, pseudonym: str, label: str = "") -> int:
        """Replace an erased person's id (and name) in the audit log by their pseudonym.

        Rows keep what happened and when; the target and every whole-word mention of the
        id or the name in the detail become ``pseudonym`` (``p1`` in ``q=p10`` is another
        person and stays; the name is matched in any case and JSON-escaped too, and a
        search ``q=...`` that a part of the name would answer is replaced whole). Each row
        rewritten loses its salt, and one chained ``audit.pseudonymised`` row names them,
        in the same transaction (see :mod:`lacgraph.audit.chain`), so the chain stays
        whole. The old bytes are overwritten on disk (``secure_delete``, checkpoint,
        VACUUM). Returns how many rows changed.

        Examples
        --------
        >>> log = AuditLog(":memory:")
        >>> log.audit("ann", "coordinator", "view.person", "p1", "q=Sam Smith")
        >>> log.audit("ann", "coordinator", "view.caseload", "c1", "q=p10")
        >>> log.pseudonymise_person("p1", "P-X", "Sam Smith")
        1
        >>> [row[4:7] for row in log.audit_log()]  # doctest: +NORMALIZE_WHITESPACE
        [('view.person', 'P-X', 'q=P-X'), ('view.caseload', 'c1', 'q=p10'),
         ('audit.pseudonymised', '', 'rows=1')]
        >>> log.verify_audit()  # the rewrite is recorded: the chain stays whole
        (3, None)
        """
        words = [_whole_word(person)]
        if label:  # the name as typed or JSON-escaped, in any case
            words += [_whole_word(form, ignore_case=True)
                      for form in {label, json.dumps(label)[1:-1]}]
        db = self.file.db
        with self.file.lock:
            db.execute("PRAGMA secure_delete = ON")
            db.execute("BEGIN IMMEDIATE")
            try:
                changes = []
                for seq, target, detail in db.execute(
                        "SELECT seq, target, detail FROM audit").fetchall():
                    new_detail = detail
                    for word in words:
                        new_detail = word.sub(pseudonym, new_detail)
                    typed = detail[2:].strip().casefold() if detail.startswith("q=") else ""
                    if typed and label and typed in label.casefold():
                        new_detail = f"q={pseudonym}"  # a search that found them by name
                    new_target = pseudonym if target == person else target
                    if (new_target, new_detail) != (target, detail):
                        changes.append((new_target, new_detail, seq))
                # the salt goes with the old text: its digest can no longer be tested
                db.executemany("UPDATE audit SET target = ?, detail = ?, salt = '' "
                               "WHERE seq = ?", changes)
                if changes:
                    _append(db, [(stamp(utcnow()), "-", "-", PSEUDONYMISED, "", "rows="
                                  + ",".join(str(c[2]) for c in changes), "")])
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            if not self.file.in_memory:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                db.execute("VACUUM")
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return len(changes)

    def audit_about(self, person: str) -> list[tuple]:
        """Return every audit row about ``person``: its target, or a whole-word mention of
        the id in the detail (oldest first)."""
        rows = self.file.run(f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit "  # noqa: S608
                             "WHERE target = ?1 OR instr(detail, ?1) > 0 ORDER BY seq",
                             (person,))
        word = _whole_word(person)
        return [r for r in rows if r[5] == person or word.search(r[6])]

    def audit_log(self, *, user: str | None = None, action: str | None = None,
                  since: str | None = None, limit: int | None = None) -> list[tuple]:
        """Return audit rows (oldest first), optionally filtered; columns
        :data:`AUDIT_COLUMNS`."""
        clauses, params = [], []
        if user:
            clauses.append("user = ?")
            params.append(user)
        if action:
            clauses.append("action LIKE ?")
            params.append(action.replace("*", "%"))
        if since:
            clauses.append("at >= ?")
            params.append(since)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self.file.run(f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit{where} "  # noqa: S608
                             "ORDER BY seq", params)
        return rows[-limit:] if limit else rows


def format_head(head: tuple[int, str]) -> str:
    """A head as ``SEQ:HASH`` (what ``--expect-head`` takes).

    Examples
    --------
    >>> format_head((7, "ab" * 32)) == "7:" + "ab" * 32
    True
    """
    return f"{head[0]}:{head[1]}"


def parse_head(text: str) -> tuple[int | None, str]:
    """``SEQ:HASH`` (or just ``HASH``) as ``(seq, hash)``; ValueError saying what was
    expected when it is neither.

    Examples
    --------
    >>> parse_head("7:" + "AB" * 32) == (7, "ab" * 32)
    True
    >>> parse_head("seven")
    Traceback (most recent call last):
    ...
    ValueError: 'seven' is not an audit head: expected SEQ:HASH as 'lacgraph audit --head' prints it (a row number, a colon and 64 hexadecimal digits)
    """
    seq, _, hash_ = text.strip().rpartition(":")
    hash_ = hash_.lower()
    if (seq and not seq.isdigit()) or len(hash_) != 64 \
            or any(c not in "0123456789abcdef" for c in hash_):
        raise ValueError(f"{text!r} is not an audit head: expected SEQ:HASH as 'lacgraph "
                         "audit --head' prints it (a row number, a colon and 64 hexadecimal "
                         "digits)")
    return (int(seq) if seq else None), hash_


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _open_writer(path: str) -> sqlite3.Connection:
    """The audit writer's own connection: durable at each COMMIT."""
    writer = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
    writer.execute("PRAGMA synchronous=FULL")  # on disk at COMMIT
    return writer
