"""credentials: issuers and keys, achievements, awards, status lists

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('credential_holders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('identifier', sa.String(length=64), nullable=False),
    sa.Column('portfolio_token', sa.String(length=64), nullable=True),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['learners.id'], name=op.f('fk_credential_holders_learner_id_learners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credential_holders')),
    sa.UniqueConstraint('learner_id', name=op.f('uq_credential_holders_learner_id')),
    sa.UniqueConstraint('portfolio_token', name=op.f('uq_credential_holders_portfolio_token'))
    )
    op.create_table('credential_status_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('size_bits', sa.Integer(), nullable=False),
    sa.Column('index_offset', sa.Integer(), nullable=False),
    sa.Column('index_stride', sa.Integer(), nullable=False),
    sa.Column('next_slot', sa.Integer(), nullable=False),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_credential_status_lists_partner_id_partners'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credential_status_lists')),
    sa.UniqueConstraint('partner_id', 'number', name=op.f('uq_credential_status_lists_partner_id_number'))
    )
    op.create_table('issuer_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('did', sa.String(length=500), nullable=False),
    sa.Column('public_key_multibase', sa.String(length=100), nullable=False),
    sa.Column('encrypted_private_key', sa.LargeBinary(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('retired_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_issuer_keys_partner_id_partners'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issuer_keys')),
    sa.UniqueConstraint('partner_id', 'generation', name=op.f('uq_issuer_keys_partner_id_generation'))
    )
    with op.batch_alter_table('issuer_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issuer_keys_partner_id'), ['partner_id'], unique=False)

    op.create_table('achievements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.Column('descriptions', sa.JSON(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('image_url', sa.String(length=2000), nullable=True),
    sa.Column('alignments', sa.JSON(), nullable=False),
    sa.Column('competences', sa.JSON(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_achievements_activity_id_activities'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_achievements_partner_id_partners'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_achievements')),
    sa.UniqueConstraint('activity_id', name=op.f('uq_achievements_activity_id'))
    )
    with op.batch_alter_table('achievements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_achievements_partner_id'), ['partner_id'], unique=False)

    op.create_table('awards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=True),
    sa.Column('achievement_id', sa.Integer(), nullable=False),
    sa.Column('credential_uuid', sa.String(length=36), nullable=False),
    sa.Column('credential_json', sa.Text(), nullable=False),
    sa.Column('status_list_id', sa.Integer(), nullable=False),
    sa.Column('status_index', sa.Integer(), nullable=False),
    sa.Column('recipient_salt', sa.String(length=64), nullable=False),
    sa.Column('revoked', sa.Boolean(), nullable=False),
    sa.Column('revoked_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by', sa.String(length=16), nullable=True),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('issued_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['achievement_id'], ['achievements.id'], name=op.f('fk_awards_achievement_id_achievements'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['learner_id'], ['learners.id'], name=op.f('fk_awards_learner_id_learners'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['status_list_id'], ['credential_status_lists.id'], name=op.f('fk_awards_status_list_id_credential_status_lists'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awards')),
    sa.UniqueConstraint('credential_uuid', name=op.f('uq_awards_credential_uuid')),
    sa.UniqueConstraint('learner_id', 'achievement_id', name=op.f('uq_awards_learner_id_achievement_id')),
    sa.UniqueConstraint('status_list_id', 'status_index', name=op.f('uq_awards_status_list_id_status_index'))
    )
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awards_achievement_id'), ['achievement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_awards_learner_id'), ['learner_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awards_learner_id'))
        batch_op.drop_index(batch_op.f('ix_awards_achievement_id'))

    op.drop_table('awards')
    with op.batch_alter_table('achievements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_achievements_partner_id'))

    op.drop_table('achievements')
    with op.batch_alter_table('issuer_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issuer_keys_partner_id'))

    op.drop_table('issuer_keys')
    op.drop_table('credential_status_lists')
    op.drop_table('credential_holders')
