# table returns rows newest first by default
@table ev
{"n": 1}
{"n": 2}
{"n": 3}
@query
table ev | fields n
@rows
{"n": 1}
{"n": 2}
{"n": 3}
===
# table adds _time; fixture rows are one second apart, newest first
@table ev
{"n": 1}
{"n": 2}
@query
table ev | fields _time, n
@rows
{"_time": "2024-05-01T12:00:00.000Z", "n": 1}
{"_time": "2024-05-01T11:59:59.000Z", "n": 2}
===
# order=asc returns oldest first
@table ev
{"n": 1}
{"n": 2}
{"n": 3}
@query
table order=asc ev | fields n
@rows
{"n": 3}
{"n": 2}
{"n": 1}
===
# order=desc is the default order, written explicitly
@table ev
{"n": 1}
{"n": 2}
{"n": 3}
@query
table order=desc ev | fields n
@rows
{"n": 1}
{"n": 2}
{"n": 3}
===
# limit=N keeps the N newest rows
@table ev
{"n": 1}
{"n": 2}
{"n": 3}
{"n": 4}
@query
table limit=2 ev | fields n
@rows
{"n": 1}
{"n": 2}
===
# offset=N skips the N newest rows
@table ev
{"n": 1}
{"n": 2}
{"n": 3}
{"n": 4}
@query
table offset=3 ev | fields n
@rows
{"n": 4}
===
# offset and limit together
@table ev
{"n": 1}
{"n": 2}
{"n": 3}
{"n": 4}
@query
table offset=1 limit=2 ev | fields n
@rows
{"n": 2}
{"n": 3}
===
# order=asc with limit takes the oldest rows
@table ev
{"n": 1}
{"n": 2}
{"n": 3}
{"n": 4}
@query
table order=asc limit=2 ev | fields n
@rows
{"n": 4}
{"n": 3}
===
# duration=1h is relative to now (2024-05-02T00:00:00Z)
@table ev
{"_time": "2024-05-01T23:30:00Z", "n": 1}
{"_time": "2024-05-01T22:00:00Z", "n": 2}
{"_time": "2024-04-30T00:00:00Z", "n": 3}
@query
table duration=1h ev | fields n
@rows
{"n": 1}
===
# duration=3h
@table ev
{"_time": "2024-05-01T23:30:00Z", "n": 1}
{"_time": "2024-05-01T22:00:00Z", "n": 2}
{"_time": "2024-04-30T00:00:00Z", "n": 3}
@query
table duration=3h ev | fields n
@rows
{"n": 1}
{"n": 2}
===
# duration in minutes and seconds
@table ev
{"_time": "2024-05-01T23:59:30Z", "n": 1}
{"_time": "2024-05-01T23:58:00Z", "n": 2}
{"_time": "2024-05-01T23:40:00Z", "n": 3}
@query
table duration=90s ev | fields n
@rows
{"n": 1}
===
# duration=30m
@table ev
{"_time": "2024-05-01T23:59:30Z", "n": 1}
{"_time": "2024-05-01T23:58:00Z", "n": 2}
{"_time": "2024-05-01T23:20:00Z", "n": 3}
@query
table duration=30m ev | fields n
@rows
{"n": 1}
{"n": 2}
===
# duration=2d
@table ev
{"_time": "2024-05-01T23:30:00Z", "n": 1}
{"_time": "2024-04-30T01:00:00Z", "n": 2}
{"_time": "2024-04-29T23:00:00Z", "n": 3}
@query
table duration=2d ev | fields n
@rows
{"n": 1}
{"n": 2}
===
# duration=1w
@table ev
{"_time": "2024-05-01T23:30:00Z", "n": 1}
{"_time": "2024-04-25T01:00:00Z", "n": 2}
{"_time": "2024-04-24T23:00:00Z", "n": 3}
@query
table duration=1w ev | fields n
@rows
{"n": 1}
{"n": 2}
===
# duration=1mon: one calendar month back from 2024-05-02 is 2024-04-02
@table ev
{"_time": "2024-05-01T23:30:00Z", "n": 1}
{"_time": "2024-04-02T01:00:00Z", "n": 2}
{"_time": "2024-04-01T23:00:00Z", "n": 3}
@query
table duration=1mon ev | fields n
@rows
{"n": 1}
{"n": 2}
===
# from= is inclusive; a partial timestamp is zero-filled (20240501 = 2024-05-01 00:00:00; Haetae choice: UTC)
@table ev
{"_time": "2024-05-01T10:00:00Z", "n": 1}
{"_time": "2024-05-01T00:00:00Z", "n": 2}
{"_time": "2024-04-30T23:59:59Z", "n": 3}
@query
table from=20240501 ev | fields n
@rows
{"n": 1}
{"n": 2}
===
# to= is exclusive
@table ev
{"_time": "2024-05-01T10:00:00Z", "n": 1}
{"_time": "2024-05-01T00:00:00Z", "n": 2}
{"_time": "2024-04-30T23:59:59Z", "n": 3}
@query
table to=20240501 ev | fields n
@rows
{"n": 3}
===
# from and to with hour precision (2024050110 = 10:00:00)
@table ev
{"_time": "2024-05-01T11:00:00Z", "n": 1}
{"_time": "2024-05-01T10:59:59Z", "n": 2}
{"_time": "2024-05-01T10:00:00Z", "n": 3}
{"_time": "2024-05-01T09:59:59Z", "n": 4}
@query
table from=2024050110 to=2024050111 ev | fields n
@rows
{"n": 2}
{"n": 3}
===
# from= with full yyyyMMddHHmmss precision
@table ev
{"_time": "2024-05-01T10:30:15Z", "n": 1}
{"_time": "2024-05-01T10:30:14Z", "n": 2}
@query
table from=20240501103015 ev | fields n
@rows
{"n": 1}
===
# from= with month precision (202405 = 2024-05-01 00:00:00)
@table ev
{"_time": "2024-05-01T00:00:00Z", "n": 1}
{"_time": "2024-04-30T23:59:59Z", "n": 2}
@query
table from=202405 ev | fields n
@rows
{"n": 1}
===
# several tables are merged by time, newest first
@table a
{"_time": "2024-05-01T10:00:03Z", "n": 1}
{"_time": "2024-05-01T10:00:01Z", "n": 3}
@table b
{"_time": "2024-05-01T10:00:02Z", "n": 2}
{"_time": "2024-05-01T10:00:00Z", "n": 4}
@query
table a, b | fields n
@rows
{"n": 1}
{"n": 2}
{"n": 3}
{"n": 4}
===
# several tables with order=asc are merged oldest first
@table a
{"_time": "2024-05-01T10:00:03Z", "n": 1}
{"_time": "2024-05-01T10:00:01Z", "n": 3}
@table b
{"_time": "2024-05-01T10:00:02Z", "n": 2}
{"_time": "2024-05-01T10:00:00Z", "n": 4}
@query
table order=asc a, b | fields n
@rows
{"n": 4}
{"n": 3}
{"n": 2}
{"n": 1}
===
# limit applies to the merged rows of several tables
@table a
{"_time": "2024-05-01T10:00:03Z", "n": 1}
{"_time": "2024-05-01T10:00:01Z", "n": 3}
@table b
{"_time": "2024-05-01T10:00:02Z", "n": 2}
{"_time": "2024-05-01T10:00:00Z", "n": 4}
@query
table limit=3 a, b | fields n
@rows
{"n": 1}
{"n": 2}
{"n": 3}
===
# _table names the table each row came from
@table a
{"_time": "2024-05-01T10:00:03Z", "n": 1}
@table b
{"_time": "2024-05-01T10:00:02Z", "n": 2}
@query
table a, b | eval src = _table | fields src, n
@rows
{"src": "a", "n": 1}
{"src": "b", "n": 2}
===
# * in a table name matches several tables
@table sec_a
{"_time": "2024-05-01T10:00:03Z", "n": 1}
@table sec_b
{"_time": "2024-05-01T10:00:02Z", "n": 2}
@table other
{"_time": "2024-05-01T10:00:01Z", "n": 3}
@query
table sec_* | fields n
@rows
{"n": 1}
{"n": 2}
===
# * alone matches every table
@table sec_a
{"_time": "2024-05-01T10:00:03Z", "n": 1}
@table other
{"_time": "2024-05-01T10:00:01Z", "n": 3}
@query
table * | fields n
@rows
{"n": 1}
{"n": 3}
===
# a trailing ? makes a missing table no error
@table a
{"n": 1}
@query
table a, nosuchtable? | fields n
@rows
{"n": 1}
===
# an optional missing table alone gives no rows
@table a
{"n": 1}
@query
table nosuchtable? | fields n
@rows
===
# duration and order=asc combine
@table ev
{"_time": "2024-05-01T23:30:00Z", "n": 1}
{"_time": "2024-05-01T23:10:00Z", "n": 2}
{"_time": "2024-05-01T20:00:00Z", "n": 3}
@query
table duration=1h order=asc ev | fields n
@rows
{"n": 2}
{"n": 1}
===
# fixture fields of several types come back as written
@table ev
{"s": "x", "i": 42, "d": 1.5, "b": true, "t": {"$date": "2024-01-02T03:04:05Z"}}
@query
table ev | fields s, i, d, b, t
@rows
{"s": "x", "i": 42, "d": 1.5, "b": true, "t": "2024-01-02T03:04:05.000Z"}
===
# table limit applies before later commands
@table ev
{"n": 1}
{"n": 2}
{"n": 3}
{"n": 4}
@query
table limit=2 ev | search n > 1 | fields n
@rows
{"n": 2}
===
# field names are case-sensitive: user and User are different fields (the store's tables cannot hold both, so eval makes the second)
@table ev
{"user": "a"}
@query
table ev | eval User = "B", same = (user == User) | fields user, User, same
@rows
{"user": "a", "User": "B", "same": false}
===
# a field with different types in different rows keeps each row's value
@table ev
{"v": 5}
{"v": "five"}
{"v": true}
@query
table ev | fields v
@rows
{"v": 5}
{"v": "five"}
{"v": true}
===
# lists and maps in fixture rows come back as written
@table ev
{"l": [1, "a"], "m": {"k": "v"}}
@query
table ev | eval n = len(l), k = valueof(m, "k") | fields l, m, n, k
@rows
{"l": [1, "a"], "m": {"k": "v"}, "n": 2, "k": "v"}
===
# table adds _id and _table to each row
@table ev
{"n": 1}
@query
table ev | eval i = isnotnull(_id), t = isnotnull(_table), tm = isnotnull(_time) | fields i, t, tm
@rows
{"i": true, "t": true, "tm": true}
