"""Japanese (and やさしい日本語): 2026年12月3日, 2026年12月3日 14:05 (24-hour clock)."""

DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
TIME_FORMAT = "H:i"
