"""staff: accounts, sessions, revisions, drafts and review states

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 16:08:45.681221
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=16), nullable=False),
    sa.Column('entity_key', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revision'))
    )
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revision_at'), ['at'], unique=False)
        batch_op.create_index('ix_revision_entity_key', ['entity', 'entity_key'], unique=False)

    op.create_table('staff_session',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_staff_session'))
    )
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_session_expires_at'), ['expires_at'], unique=False)

    op.create_table('staff_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_user')),
    sa.UniqueConstraint('username', name=op.f('uq_staff_user_username'))
    )
    op.create_table('staff_bureau',
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('bureau_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['bureau_id'], ['bureau.id'], name=op.f('fk_staff_bureau_bureau_id_bureau')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], name=op.f('fk_staff_bureau_staff_id_staff_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('staff_id', 'bureau_id', name=op.f('pk_staff_bureau'))
    )
    with op.batch_alter_table('faq', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draft', sa.JSON(), nullable=True))

    with op.batch_alter_table('handoff_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handled_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('handled_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draft', sa.JSON(), nullable=True))

    with op.batch_alter_table('unanswered_question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('service_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('faq_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('handled_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('handled_at', sa.DateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('unanswered_question', schema=None) as batch_op:
        batch_op.drop_column('handled_at')
        batch_op.drop_column('handled_by')
        batch_op.drop_column('faq_key')
        batch_op.drop_column('service_key')

    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_column('draft')

    with op.batch_alter_table('handoff_message', schema=None) as batch_op:
        batch_op.drop_column('handled_at')
        batch_op.drop_column('handled_by')

    with op.batch_alter_table('faq', schema=None) as batch_op:
        batch_op.drop_column('draft')

    op.drop_table('staff_bureau')
    op.drop_table('staff_user')
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_session_expires_at'))

    op.drop_table('staff_session')
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.drop_index('ix_revision_entity_key')
        batch_op.drop_index(batch_op.f('ix_revision_at'))

    op.drop_table('revision')
