"""server-side sessions; user ids never reused; usernames normalized

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 10:30:00
"""
import unicodedata

from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':  # AUTOINCREMENT: SQLite would otherwise reuse a removed user's id
        with op.batch_alter_table('users', recreate='always', table_kwargs={'sqlite_autoincrement': True}):
            pass
    op.create_table('sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('seen_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_sessions_user_id', 'sessions', ['user_id'])
    # Usernames are compared normalized (NFKC, trimmed, case-folded); bring existing ones to that form unless
    # two would collide (an admin then renames one by hand).
    users = bind.execute(sa.text('SELECT id, username FROM users')).all()
    taken = {name for _, name in users}
    for user_id, name in users:
        normal = unicodedata.normalize('NFKC', name).strip().casefold()
        if normal != name and normal not in taken:
            bind.execute(sa.text('UPDATE users SET username = :n WHERE id = :i'), {'n': normal, 'i': user_id})
            taken.add(normal)


def downgrade() -> None:
    op.drop_index('ix_sessions_user_id', 'sessions')
    op.drop_table('sessions')
