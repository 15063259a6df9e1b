"""Khmer date and number formats as Cambodian shops write them (Django's own ``km`` formats
use a decimal comma and abbreviated month names it has no Khmer for).

Month and weekday names come from the catalogues (Django's ``km`` one has them all).
"""

DATE_FORMAT = "j F Y"  # 5 ធ្នូ 2026
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
# Dollars are written 1,250.50 and riel 5,000 in Cambodia, in Khmer as in English.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
