"""Manual table assignment for restaurants: PostgreSQL holds the rules, this package serves them."""
