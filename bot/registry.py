"""Every model of the project, imported in one place so the metadata is complete."""

from bot import models as _bot_models
from catalogue import models as _catalogue_models
from community import models as _community_models
from credentials import models as _credentials_models
from storage import Base

metadata = Base.metadata

__all__ = [
    "_bot_models",
    "_catalogue_models",
    "_community_models",
    "_credentials_models",
    "metadata",
]
