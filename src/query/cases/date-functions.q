# date(str, fmt) parses a date (Haetae choice: a pattern without a zone is UTC)
@table t
{"s": "2024-05-01 12:34:56"}
@query
table t | eval d = date(s, "yyyy-MM-dd HH:mm:ss") | fields d
@rows
{"d": "2024-05-01T12:34:56.000Z"}
===
# date with a compact pattern
@table t
{"s": "20240501"}
@query
table t | eval d = date(s, "yyyyMMdd") | fields d
@rows
{"d": "2024-05-01T00:00:00.000Z"}
===
# date with milliseconds (Sysmon's UtcTime layout)
@table t
{"s": "2024-05-01 12:34:56.789"}
@query
table t | eval d = date(s, "yyyy-MM-dd HH:mm:ss.SSS") | fields d
@rows
{"d": "2024-05-01T12:34:56.789Z"}
===
# Haetae choice: date of text that does not fit the pattern is null
@table t
{"s": "garbage"}
@query
table t | eval a = isnull(date(s, "yyyy-MM-dd")), b = isnull(date(missing, "yyyy")) | fields a, b
@rows
{"a": true, "b": true}
===
# now() is the query's start time
@table t
{"n": 1}
@query
table t | eval d = now() | fields d
@rows
{"d": "2024-05-02T00:00:00.000Z"}
===
# now() is the same on every row
@table t
{"n": 1}
{"n": 2}
{"n": 3}
@query
table t | eval d = now() | stats dc(d) as n
@rows
{"n": 1}
===
# ago() subtracts a span from now
@table t
{"n": 1}
@query
table t | eval a = ago("1h"), b = ago("30m"), c = ago("1d"), d = ago("1w"), e = ago("10s") | fields a, b, c, d, e
@rows
{"a": "2024-05-01T23:00:00.000Z", "b": "2024-05-01T23:30:00.000Z", "c": "2024-05-01T00:00:00.000Z", "d": "2024-04-25T00:00:00.000Z", "e": "2024-05-01T23:59:50.000Z"}
===
# ago("1mon") is a calendar month
@table t
{"n": 1}
@query
table t | eval a = ago("1mon") | fields a
@rows
{"a": "2024-04-02T00:00:00.000Z"}
===
# search with ago() on _time
@table t
{"_time": "2024-05-01T23:30:00Z", "n": 1}
{"_time": "2024-05-01T20:00:00Z", "n": 2}
@query
table t | search _time > ago("1h") | fields n
@rows
{"n": 1}
===
# dateadd moves a date by units
@table t
{"n": 1}
@query
table t | eval a = dateadd(now(), "day", 1), b = dateadd(now(), "hour", -2), c = dateadd(now(), "min", 5), d = dateadd(now(), "sec", 30) | fields a, b, c, d
@rows
{"a": "2024-05-03T00:00:00.000Z", "b": "2024-05-01T22:00:00.000Z", "c": "2024-05-02T00:05:00.000Z", "d": "2024-05-02T00:00:30.000Z"}
===
# dateadd with months and years (Haetae choice: the day of month is clamped)
@table t
{"d": {"$date": "2024-01-31T00:00:00Z"}}
@query
table t | eval a = dateadd(d, "mon", 1), b = dateadd(d, "year", 1), c = dateadd(d, "mon", -2) | fields a, b, c
@rows
{"a": "2024-02-29T00:00:00.000Z", "b": "2025-01-31T00:00:00.000Z", "c": "2023-11-30T00:00:00.000Z"}
===
# datediff(a, b, unit): whole units from a to b (Haetae choice of argument order: b - a)
@table t
{"a": {"$date": "2024-01-01T00:00:00Z"}, "b": {"$date": "2024-01-03T12:00:00Z"}}
@query
table t | eval d = datediff(a, b, "day"), h = datediff(a, b, "hour"), neg = datediff(b, a, "day") | fields d, h, neg
@rows
{"d": 2, "h": 60, "neg": -2}
===
# datetrunc truncates to the start of a span bucket
@table t
{"d": {"$date": "2024-05-01T12:34:56Z"}}
@query
table t | eval a = datetrunc(d, "1h"), b = datetrunc(d, "15m"), c = datetrunc(d, "1d") | fields a, b, c
@rows
{"a": "2024-05-01T12:00:00.000Z", "b": "2024-05-01T12:30:00.000Z", "c": "2024-05-01T00:00:00.000Z"}
===
# epoch of a date gives Unix seconds (Haetae choice of direction for a date argument)
@table t
{"d": {"$date": "2024-05-01T12:00:00Z"}}
@query
table t | eval e = epoch(d) | fields e
@rows
{"e": 1714564800}
===
# Haetae choice: epoch of a number of Unix seconds gives the date
@table t
{"n": 1714564800}
@query
table t | eval d = epoch(n) | fields d
@rows
{"d": "2024-05-01T12:00:00.000Z"}
===
# dates from date() compare and sort as dates
@table t
{"s": "2024-03-01"}
{"s": "2023-12-31"}
{"s": "2024-01-15"}
@query
table t | eval d = date(s, "yyyy-MM-dd") | sort d | fields s
@rows
{"s": "2023-12-31"}
{"s": "2024-01-15"}
{"s": "2024-03-01"}
===
# str(now(), fmt)
@table t
{"n": 1}
@query
table t | eval s = str(now(), "yyyy-MM-dd HH:mm") | fields s
@rows
{"s": "2024-05-02 00:00"}
===
# _time is a date: datetrunc and str work on it
@table t
{"n": 1}
@query
table t | eval h = datetrunc(_time, "1h"), s = str(_time, "HH:mm:ss") | fields h, s
@rows
{"h": "2024-05-01T12:00:00.000Z", "s": "12:00:00"}
