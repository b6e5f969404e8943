# Unambiguous dates for an international supply organisation: 03 Oct 2026, never 03/10.
DATE_FORMAT = "d M Y"
SHORT_DATE_FORMAT = "d M Y"
DATETIME_FORMAT = "d M Y H:i"
SHORT_DATETIME_FORMAT = "d M Y H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %b %Y"]
