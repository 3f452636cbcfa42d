# fields keeps only the listed fields
@table t
{"a": 1, "b": 2, "c": 3}
@query
table t | fields a, c
@rows
{"a": 1, "c": 3}
===
# fields drops _time unless listed
@table t
{"a": 1}
@query
table t | fields a | eval t = isnull(_time) | fields a, t
@rows
{"a": 1, "t": true}
===
# fields keeps _time when listed
@table t
{"a": 1}
@query
table t | fields _time, a
@rows
{"_time": "2024-05-01T12:00:00.000Z", "a": 1}
===
# fields - removes the listed fields and keeps the rest
@table t
{"a": 1, "b": 2, "c": 3}
@query
table t | fields - b
@rows
{"a": 1, "c": 3}
===
# fields - keeps _time
@table t
{"a": 1, "b": 2}
@query
table t | fields - b
@rows
{"_time": "2024-05-01T12:00:00.000Z", "a": 1}
===
# fields - with several names
@table t
{"a": 1, "b": 2, "c": 3, "d": 4}
@query
table t | fields - a, c
@rows
{"b": 2, "d": 4}
===
# a listed field that does not exist is simply absent
@table t
{"a": 1}
@query
table t | fields a, nosuch
@rows
{"a": 1}
===
# fields - of a field that does not exist changes nothing
@table t
{"a": 1}
@query
table t | fields - nosuch | fields a
@rows
{"a": 1}
===
# fields after eval
@table t
{"a": 1, "b": 2}
@query
table t | eval c = a + b | fields c
@rows
{"c": 3}
===
# fields twice: the second narrows the first
@table t
{"a": 1, "b": 2, "c": 3}
@query
table t | fields a, b | fields b
@rows
{"b": 2}
===
# a field removed by fields is gone for later commands
@table t
{"a": 1, "b": 2}
@query
table t | fields a | eval x = b + 1 | fields a, x
@rows
{"a": 1}
===
# fields on several rows
@table t
{"a": 1, "b": 2}
{"a": 3, "b": 4}
@query
table t | fields b
@rows
{"b": 2}
{"b": 4}
===
# search on a field removed by fields finds nothing
@table t
{"a": 1, "b": 2}
@query
table t | fields a | search b == 2
@rows
