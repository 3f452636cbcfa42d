# rename a as b
@table t
{"a": 1, "c": 3}
@query
table t | rename a as b | fields a, b, c
@rows
{"b": 1, "c": 3}
===
# several renames in one command
@table t
{"a": 1, "c": 3}
@query
table t | rename a as x, c as y | fields a, c, x, y
@rows
{"x": 1, "y": 3}
===
# a missing source is ignored
@table t
{"a": 1}
@query
table t | rename nosuch as b | fields a, b
@rows
{"a": 1}
===
# a missing source among present ones is ignored
@table t
{"a": 1}
@query
table t | rename nosuch as b, a as z | fields a, b, z
@rows
{"z": 1}
===
# the renamed field is usable by later commands
@table t
{"a": 5}
@query
table t | rename a as b | eval c = b * 2 | fields c
@rows
{"c": 10}
===
# Haetae choice (spec silent): renaming onto an existing field replaces it
@table t
{"a": 1, "b": 2}
@query
table t | rename a as b | fields a, b
@rows
{"b": 1}
===
# renames apply left to right
@table t
{"a": 1}
@query
table t | rename a as b, b as c | fields a, b, c
@rows
{"c": 1}
===
# rename a field made by parsekv
@table t
{"line": "src=10.0.0.1"}
@query
table t | parsekv | rename src as SourceIp | fields SourceIp
@rows
{"SourceIp": "10.0.0.1"}
===
# rename keeps the value's type
@table t
{"n": 7}
@query
table t | rename n as m | eval big = m > 5 | fields m, big
@rows
{"m": 7, "big": true}
===
# after rename the old name reads null
@table t
{"a": 1}
@query
table t | rename a as b | search isnull(a) and b == 1 | fields b
@rows
{"b": 1}
