"""Form validators whose messages are in the interface language (WTForms' own catalogs lack Khmer)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import DataRequired, Length


def required() -> DataRequired:
    return DataRequired(message=_l("This field is required."))


def length(*, max: int, min: int = -1) -> Length:  # noqa: A002 (WTForms' own names)
    if min > 0:
        return Length(min=min, max=max, message=_l("Between %(min)d and %(max)d characters."))
    return Length(max=max, message=_l("At most %(max)d characters."))  # WTForms puts the numbers in
