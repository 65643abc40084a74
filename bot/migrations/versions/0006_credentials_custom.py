"""credentials: playlist and meta achievements, and the learner's name on new badges

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('achievement_requirements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('achievement_id', sa.Integer(), nullable=False),
    sa.Column('required_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['achievement_id'], ['achievements.id'], name=op.f('fk_achievement_requirements_achievement_id_achievements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['required_id'], ['achievements.id'], name=op.f('fk_achievement_requirements_required_id_achievements'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_achievement_requirements')),
    sa.UniqueConstraint('achievement_id', 'required_id', name=op.f('uq_achievement_requirements_achievement_id_required_id'))
    )
    with op.batch_alter_table('achievement_requirements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_achievement_requirements_achievement_id'), ['achievement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievement_requirements_required_id'), ['required_id'], unique=False)

    with op.batch_alter_table('achievements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('playlist_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_achievements_playlist_id'), ['playlist_id'])
        batch_op.create_foreign_key(batch_op.f('fk_achievements_playlist_id_playlists'), 'playlists', ['playlist_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('credential_holders', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('include_name', sa.Boolean(), nullable=False, server_default=sa.false())
        )



def downgrade() -> None:
    with op.batch_alter_table('credential_holders', schema=None) as batch_op:
        batch_op.drop_column('include_name')

    with op.batch_alter_table('achievements', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_achievements_playlist_id_playlists'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_achievements_playlist_id'), type_='unique')
        batch_op.drop_column('playlist_id')

    with op.batch_alter_table('achievement_requirements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_achievement_requirements_required_id'))
        batch_op.drop_index(batch_op.f('ix_achievement_requirements_achievement_id'))

    op.drop_table('achievement_requirements')
