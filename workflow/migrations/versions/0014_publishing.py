"""publishing: webhooks, events and deliveries; site settings; corrections on reviews

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 21:10:00

Languages approved before this migration get their first approval time from their earliest approving decision,
so the feeds and the API show when they were published.
"""
from alembic import op
import sqlalchemy as sa

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE, never a batch copy: the copy would drop the queue-count triggers on reviews (0012).
    op.add_column('reviews', sa.Column('published_at', sa.DateTime(), nullable=True))
    op.add_column('reviews', sa.Column('published_hash', sa.String(length=64), nullable=False, server_default=''))
    op.add_column('reviews', sa.Column('corrected_at', sa.DateTime(), nullable=True))
    op.add_column('reviews', sa.Column('correction', sa.Text(), nullable=False, server_default=''))
    op.execute("UPDATE reviews SET published_at = (SELECT min(d.created_at) FROM decisions d "
               "WHERE d.article_id = reviews.article_id AND d.lang = reviews.lang AND d.status = 'approved')")
    op.create_table('settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('webhooks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('events', sa.JSON(), nullable=False),
    sa.Column('secret', sa.String(length=200), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_events_external_id'), 'events', ['external_id'], unique=False)
    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('webhook_id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_by', sa.String(length=200), nullable=False),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['webhook_id'], ['webhooks.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id', 'webhook_id')
    )
    op.create_index('ix_deliveries_status_next', 'deliveries', ['status', 'next_at'], unique=False)
    op.create_index('ix_deliveries_webhook_article', 'deliveries', ['webhook_id', 'external_id', 'event_id'],
                    unique=False)
    op.create_table('delivery_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('code', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['delivery_id'], ['deliveries.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_delivery_attempts_delivery_id'), 'delivery_attempts', ['delivery_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_delivery_attempts_delivery_id'), table_name='delivery_attempts')
    op.drop_table('delivery_attempts')
    op.drop_index('ix_deliveries_webhook_article', table_name='deliveries')
    op.drop_index('ix_deliveries_status_next', table_name='deliveries')
    op.drop_table('deliveries')
    op.drop_index(op.f('ix_events_external_id'), table_name='events')
    op.drop_table('events')
    op.drop_table('webhooks')
    op.drop_table('settings')
    for column in ('correction', 'corrected_at', 'published_hash', 'published_at'):
        op.drop_column('reviews', column)
