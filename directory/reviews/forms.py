from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from directory.forms import Form, choices
from directory.services.community.reviews import MAX_TEXT, MIN_FLAG_REASON, MIN_TEXT

RATINGS = ((5, "5 – excellent"), (4, "4 – good"), (3, "3 – fair"), (2, "2 – poor"), (1, "1 – very poor"))


class ReviewForm(Form):
    rating = RadioField(
        "Your rating", choices=choices(RATINGS), coerce=int, validators=[InputRequired(message="Choose a rating.")]
    )
    text = TextAreaField(
        "Your review",
        validators=[
            DataRequired(message="Write a few words about your consultation."),
            Length(min=MIN_TEXT, max=MAX_TEXT, message=f"Write between {MIN_TEXT} and {MAX_TEXT:,} characters."),
        ],
        description="What was the consultation like? Please leave out health details you would not want public.",
    )


class ReplyForm(Form):
    text = TextAreaField(
        "Your public reply",
        validators=[
            DataRequired(message="Write your reply."),
            Length(max=MAX_TEXT, message=f"Use at most {MAX_TEXT:,} characters."),
        ],
    )


class FlagForm(Form):
    reason = TextAreaField(
        "What is wrong with this review?",
        validators=[
            DataRequired(message="Say what is wrong with this review."),
            Length(
                min=MIN_FLAG_REASON,
                max=MAX_TEXT,
                message=f"Write between {MIN_FLAG_REASON} and {MAX_TEXT:,} characters.",
            ),
        ],
    )
