"""Numbers past a 32-bit column are refused with a message by every marshmallow Integer, whenever it was made."""

from marshmallow import Schema, ValidationError, fields

# Made at import, as a plugin's page schemas are, possibly before any app (and the 32-bit limit) exists.
Early = Schema.from_dict({"height": fields.Integer()})


def test_a_schema_made_before_the_app_refuses_a_huge_number_with_a_message(app):
    try:
        Early().load({"height": "99999999999999999999"})
    except ValidationError as err:
        assert err.messages == {"height": ["Must be between -2147483648 and 2147483647."]}
    else:
        raise AssertionError("a number past 32 bits was accepted")
    assert Early().load({"height": "2147483647"}) == {"height": 2147483647}
