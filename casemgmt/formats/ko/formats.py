# Korean official date style (공문서): numbers, a full stop in place of 년·월·일, no leading
# zeros — 2026. 12. 2. Every page, message, printed form and export display column uses these.
DATE_FORMAT = "Y. n. j."
SHORT_DATE_FORMAT = "Y. n. j."
DATETIME_FORMAT = "Y. n. j. H:i"
SHORT_DATETIME_FORMAT = "Y. n. j. H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "n월 j일"
YEAR_MONTH_FORMAT = "Y년 n월"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y. %m. %d.", "%Y.%m.%d", "%Y. %m. %d", "%Y%m%d"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y. %m. %d. %H:%M"]
FIRST_DAY_OF_WEEK = 0
