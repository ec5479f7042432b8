"""Alembic environment: runs on the connection Briefdesk hands over (see ``workflow.store.upgrade``)."""

from alembic import context
from sqlalchemy import create_engine

from workflow.config import Config
from workflow.store import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # `alembic` run by hand: use the configured database
        with create_engine(config.get_main_option("sqlalchemy.url") or Config.from_env().database_url).begin() as conn:
            _run(conn)
    else:
        _run(connection)


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
