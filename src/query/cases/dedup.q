# dedup (Haetae extension, not Logpresso's): keeps the first row of each distinct value
@table t
{"host": "a", "n": 1}
{"host": "b", "n": 2}
{"host": "a", "n": 3}
@query
table t | dedup host | fields host, n
@rows
{"host": "a", "n": 1}
{"host": "b", "n": 2}
===
# dedup (extension) on two fields
@table t
{"host": "a", "u": "x", "n": 1}
{"host": "a", "u": "y", "n": 2}
{"host": "a", "u": "x", "n": 3}
{"host": "b", "u": "x", "n": 4}
@query
table t | dedup host, u | fields n
@rows
{"n": 1}
{"n": 2}
{"n": 4}
===
# dedup (extension): values are type-strict and case-sensitive
@table t
{"u": "Admin", "n": 1}
{"u": "admin", "n": 2}
{"u": "admin", "n": 3}
@query
table t | dedup u | fields n
@rows
{"n": 1}
{"n": 2}
===
# dedup (extension, Haetae choice): rows with a null value count as one value
@table t
{"n": 1}
{"n": 2, "u": "x"}
{"n": 3}
@query
table t | dedup u | fields n
@rows
{"n": 1}
{"n": 2}
