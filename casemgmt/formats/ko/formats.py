# Korean official date style: 2026. 11. 24.
DATE_FORMAT = "Y. m. d."
SHORT_DATE_FORMAT = "Y. m. d."
DATETIME_FORMAT = "Y. m. d. H:i"
SHORT_DATETIME_FORMAT = "Y. m. d. H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "n월 j일"
YEAR_MONTH_FORMAT = "Y년 n월"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y. %m. %d.", "%Y.%m.%d", "%Y. %m. %d", "%Y%m%d"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y. %m. %d. %H:%M"]
FIRST_DAY_OF_WEEK = 0
