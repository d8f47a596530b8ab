"""knowledge base content tables

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 15:12:53.700207
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bureau',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=True),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('duties', sa.Text(), nullable=True),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bureau')),
    sa.UniqueConstraint('name', name=op.f('uq_bureau_name'))
    )
    op.create_table('faq',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('last_verified', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq')),
    sa.UniqueConstraint('key', name=op.f('uq_faq_key'))
    )
    with op.batch_alter_table('faq', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faq_status'), ['status'], unique=False)

    op.create_table('kb_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_revision'))
    )
    op.create_table('plan_task',
    sa.Column('number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('chapter', sa.String(length=200), nullable=False),
    sa.Column('section', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('leads_open', sa.Boolean(), nullable=False),
    sa.Column('cos_open', sa.Boolean(), nullable=False),
    sa.Column('remark', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('number', name=op.f('pk_plan_task'))
    )
    op.create_table('service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('intent', sa.String(length=64), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('topic', sa.String(length=32), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('eligibility', sa.Text(), nullable=True),
    sa.Column('materials', sa.JSON(), nullable=False),
    sa.Column('steps', sa.JSON(), nullable=False),
    sa.Column('online_channels', sa.JSON(), nullable=False),
    sa.Column('offline_channel', sa.Text(), nullable=True),
    sa.Column('time_limit', sa.Text(), nullable=True),
    sa.Column('fees', sa.Text(), nullable=True),
    sa.Column('hotline', sa.String(length=32), nullable=True),
    sa.Column('notes', sa.JSON(), nullable=False),
    sa.Column('links', sa.JSON(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('last_verified', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service')),
    sa.UniqueConstraint('key', name=op.f('uq_service_key'))
    )
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_intent'), ['intent'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_topic'), ['topic'], unique=False)

    op.create_table('term',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('detail', sa.String(length=64), nullable=True),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_term_service_id_service'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_term')),
    sa.UniqueConstraint('kind', 'name', name=op.f('uq_term_kind'))
    )
    with op.batch_alter_table('term', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_term_kind'), ['kind'], unique=False)

    op.create_table('faq_service',
    sa.Column('faq_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['faq_id'], ['faq.id'], name=op.f('fk_faq_service_faq_id_faq'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_faq_service_service_id_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('faq_id', 'service_id', name=op.f('pk_faq_service'))
    )
    with op.batch_alter_table('faq_service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faq_service_service_id'), ['service_id'], unique=False)

    op.create_table('plan_task_unit',
    sa.Column('task_number', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('bureau_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['bureau_id'], ['bureau.id'], name=op.f('fk_plan_task_unit_bureau_id_bureau')),
    sa.ForeignKeyConstraint(['task_number'], ['plan_task.number'], name=op.f('fk_plan_task_unit_task_number_plan_task'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('task_number', 'role', 'position', name=op.f('pk_plan_task_unit'))
    )
    with op.batch_alter_table('plan_task_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_task_unit_bureau_id'), ['bureau_id'], unique=False)

    op.create_table('service_bureau',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('bureau_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['bureau_id'], ['bureau.id'], name=op.f('fk_service_bureau_bureau_id_bureau')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_service_bureau_service_id_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('service_id', 'bureau_id', name=op.f('pk_service_bureau'))
    )
    with op.batch_alter_table('service_bureau', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_bureau_bureau_id'), ['bureau_id'], unique=False)

    op.create_table('service_task',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('task_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_service_task_service_id_service'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['task_number'], ['plan_task.number'], name=op.f('fk_service_task_task_number_plan_task')),
    sa.PrimaryKeyConstraint('service_id', 'task_number', name=op.f('pk_service_task'))
    )


def downgrade() -> None:
    op.drop_table('service_task')
    with op.batch_alter_table('service_bureau', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_bureau_bureau_id'))

    op.drop_table('service_bureau')
    with op.batch_alter_table('plan_task_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_task_unit_bureau_id'))

    op.drop_table('plan_task_unit')
    with op.batch_alter_table('faq_service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_service_service_id'))

    op.drop_table('faq_service')
    with op.batch_alter_table('term', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_term_kind'))

    op.drop_table('term')
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_topic'))
        batch_op.drop_index(batch_op.f('ix_service_status'))
        batch_op.drop_index(batch_op.f('ix_service_intent'))

    op.drop_table('service')
    op.drop_table('plan_task')
    op.drop_table('kb_revision')
    with op.batch_alter_table('faq', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_status'))

    op.drop_table('faq')
    op.drop_table('bureau')
