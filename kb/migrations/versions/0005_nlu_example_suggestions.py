"""nlu example suggestions: linked questions offered as training examples; admins accept or reject

Revision ID: 0005_nlu_example_suggestions
Revises: 0004
Create Date: 2026-12-01 23:03:45.776601
"""

from alembic import op
import sqlalchemy as sa


revision = '0005_nlu_example_suggestions'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('nlu_example_suggestion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('intent', sa.String(length=64), nullable=False),
    sa.Column('service_key', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('offered_by', sa.String(length=64), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['question_id'], ['unanswered_question.id'], name=op.f('fk_nlu_example_suggestion_question_id_unanswered_question'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nlu_example_suggestion'))
    )
    with op.batch_alter_table('nlu_example_suggestion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nlu_example_suggestion_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_nlu_example_suggestion_intent'), ['intent'], unique=False)
        batch_op.create_index(batch_op.f('ix_nlu_example_suggestion_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nlu_example_suggestion_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('nlu_example_suggestion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nlu_example_suggestion_status'))
        batch_op.drop_index(batch_op.f('ix_nlu_example_suggestion_question_id'))
        batch_op.drop_index(batch_op.f('ix_nlu_example_suggestion_intent'))
        batch_op.drop_index(batch_op.f('ix_nlu_example_suggestion_created_at'))

    op.drop_table('nlu_example_suggestion')
