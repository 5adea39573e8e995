"""What a payment is for: a short name per charge of a case (the service's fee unless said otherwise)."""

DEFAULT_PURPOSE = "fee"
