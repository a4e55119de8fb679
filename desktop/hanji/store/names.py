"""What names a project: a file path (SQLite, the default) or a PostgreSQL URL
(``postgresql://user@host:port/dbname``, also ``?host=/socket/dir`` for a Unix socket).

A name is a URL only when it starts with ``postgresql://`` or ``postgres://``; everything else is a
path, so Windows paths (``C:\\data\\a.hanji``, ``\\\\server\\share\\a.hanji``) stay paths."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

URL_SCHEMES = ("postgresql://", "postgres://")
# the store class of each backend named by a URL (hanji.store.pgstore puts itself here)
BACKENDS: dict[str, type] = {}


def is_url(name: str | Path) -> bool:
    """Whether ``name`` names a project on a PostgreSQL server (a ``Path`` never does)."""
    return isinstance(name, str) and name[:13].lower().startswith(URL_SCHEMES)


def project_name(text: str) -> str | Path:
    """A project named on the command line: the URL as given, or a :class:`Path` (argparse ``type=``;
    ``Path`` itself would fold a URL's ``//``)."""
    return text if is_url(text) else Path(text)


class ProjectURL(str):
    """A PostgreSQL project's name as shown and kept (in messages, recent projects, the title): its
    URL without a password. ``.name`` is the database name, as ``Path.name`` is a file's name."""

    @property
    def name(self) -> str:
        parts = urllib.parse.urlsplit(str(self))
        db = urllib.parse.unquote(parts.path.lstrip("/"))
        return db or parts.hostname or str(self)

    @property
    def dbname(self) -> str:
        return urllib.parse.unquote(urllib.parse.urlsplit(str(self)).path.lstrip("/"))


def display_url(url: str) -> ProjectURL:
    """``url`` without its password (``password=`` in the query included)."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        user, host = netloc.rsplit("@", 1)
        if ":" in user:
            user = user.split(":", 1)[0]
        netloc = f"{user}@{host}"
    query = urllib.parse.urlencode([(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
                                    if k.lower() != "password"], safe="/")
    return ProjectURL(urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)))
