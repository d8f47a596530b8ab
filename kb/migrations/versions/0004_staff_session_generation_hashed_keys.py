"""staff: session generation per account; session keys stored hashed

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 17:30:00.000000
"""

import hashlib

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))

    # Keys were stored as the cookie holds them; store their SHA-256 instead (nobody is signed out).
    sessions = sa.table('staff_session', sa.column('key', sa.String(64)))
    connection = op.get_bind()
    for (key,) in connection.execute(sa.select(sessions.c.key)).all():
        hashed = hashlib.sha256(key.encode('utf-8')).hexdigest()
        connection.execute(sessions.update().where(sessions.c.key == key).values(key=hashed))


def downgrade() -> None:
    # hashed keys cannot be turned back into cookies: every session ends
    op.execute('DELETE FROM staff_session')
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
