"""Staff pages of the notices app (templates, sends to a segment, delivery status)."""
