"""French as the portal writes it: "2 déc. 2026, 14:05" (Django's French says "2
décembre 2026 14:05"; the abbreviated month keeps lists short)."""

DATE_FORMAT = "j N Y"
DATETIME_FORMAT = "j N Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1
