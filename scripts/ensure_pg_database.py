"""Create the PostgreSQL test database named in the URL if it does not exist yet."""

import sys

import psycopg
from psycopg import sql

url = sys.argv[1]
base, name = url.rsplit("/", 1)
try:
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
except psycopg.Error as exc:
    print(f"PostgreSQL at {base} is not usable ({exc}); testing on SQLite only.")
    sys.exit(1)
