"""English for residents of Japan: 3 December 2026, 3 December 2026, 14:05.

Day before month with the month's name, so neither a US nor a European reader can misread it,
and the 24-hour clock used in Japan. Short dates are ISO (2026-12-03), never 12/03/2026.
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
