from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from directory.forms import Form, choices

RATINGS = ((5, "5 – excellent"), (4, "4 – good"), (3, "3 – fair"), (2, "2 – poor"), (1, "1 – very poor"))


class ReviewForm(Form):
    rating = RadioField(
        "Your rating", choices=choices(RATINGS), coerce=int, validators=[InputRequired(message="Choose a rating.")]
    )
    text = TextAreaField(
        "Your review",
        validators=[
            DataRequired(message="Write a few words about your consultation."),
            Length(min=20, max=2000, message="Write between 20 and 2,000 characters."),
        ],
        description="What was the consultation like? Please leave out health details you would not want public.",
    )


class ReplyForm(Form):
    text = TextAreaField(
        "Your public reply",
        validators=[
            DataRequired(message="Write your reply."),
            Length(max=2000, message="Use at most 2,000 characters."),
        ],
    )


class FlagForm(Form):
    reason = TextAreaField(
        "What is wrong with this review?",
        validators=[
            DataRequired(message="Say what is wrong with this review."),
            Length(min=5, max=2000, message="Write between 5 and 2,000 characters."),
        ],
    )
