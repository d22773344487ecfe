from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from directory.forms import Form, LocalNumber, _lt, choices
from directory.services.community.reviews import MAX_TEXT, MIN_FLAG_REASON, MIN_TEXT
from directory.vocabulary import N_

RATINGS = (
    (5, N_("5 – excellent")),
    (4, N_("4 – good")),
    (3, N_("3 – fair")),
    (2, N_("2 – poor")),
    (1, N_("1 – very poor")),
)


class ReviewForm(Form):
    rating = RadioField(
        _lt("Your rating"),
        choices=choices(RATINGS),
        coerce=int,
        validators=[InputRequired(message=_l("Choose a rating."))],
    )
    text = TextAreaField(
        _lt("Your review"),
        validators=[
            DataRequired(message=_l("Write a few words about your consultation.")),
            Length(
                min=MIN_TEXT,
                max=MAX_TEXT,
                message=_l("Write between %(min)s and %(max)s characters.", min=MIN_TEXT, max=LocalNumber(MAX_TEXT)),
            ),
        ],
        description=_lt("What was the consultation like? Please leave out health details you would not want public."),
    )


class ReplyForm(Form):
    text = TextAreaField(
        _lt("Your public reply"),
        validators=[
            DataRequired(message=_l("Write your reply.")),
            Length(max=MAX_TEXT, message=_l("Use at most %(max)s characters.", max=LocalNumber(MAX_TEXT))),
        ],
    )


class FlagForm(Form):
    reason = TextAreaField(
        _lt("What is wrong with this review?"),
        validators=[
            DataRequired(message=_l("Say what is wrong with this review.")),
            Length(
                min=MIN_FLAG_REASON,
                max=MAX_TEXT,
                message=_l(
                    "Write between %(min)s and %(max)s characters.", min=MIN_FLAG_REASON, max=LocalNumber(MAX_TEXT)
                ),
            ),
        ],
    )
