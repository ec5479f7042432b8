"""The schema: migrations and models agree, and migrations go down and up again with data in place."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from workflow import queue
from workflow.store import Base, Store


def test_migrations_build_exactly_the_models(store):
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    # The full-text index is SQLite-only and lives outside the models on purpose.
    assert [d for d in differences if not (d[0] == "remove_table" and d[1].name.startswith("articles_fts"))] == []


def test_migrations_downgrade_and_upgrade_with_data(tmp_path):
    from alembic import command
    from alembic.config import Config

    from workflow.bench.fill import fill

    url = f"sqlite:///{tmp_path / 'briefdesk.db'}"
    fill(Store(url), 60)
    config = Config()
    config.set_main_option("script_location", "workflow:migrations")
    store = Store(url)
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")
    assert queue.queue(Store(url, migrate=False), search="Phnom").total > 0  # the old index still answers
    store = Store(url)  # upgrades again
    assert queue.queue(store, search="bench 00042").total == 1  # ids are in the new full-text index
    assert queue.queue(store, search="bench-00042").rows[0].article_id == "bench-00042"
