# search keeps rows where the expression is true
@table t
{"n": 1, "name": "a"}
{"n": 2, "name": "b"}
{"n": 3, "name": "c"}
@query
table t | search n > 1 | fields n
@rows
{"n": 2}
{"n": 3}
===
# search limit=N stops after N matching rows
@table t
{"n": 1}
{"n": 2}
{"n": 3}
{"n": 4}
@query
table t | search limit=2 n > 1 | fields n
@rows
{"n": 2}
{"n": 3}
===
# search with and
@table t
{"n": 1, "name": "a"}
{"n": 2, "name": "b"}
{"n": 3, "name": "b"}
@query
table t | search n > 1 and name == "b" | fields n
@rows
{"n": 2}
{"n": 3}
===
# search with or
@table t
{"n": 1}
{"n": 2}
{"n": 3}
@query
table t | search n == 1 or n == 3 | fields n
@rows
{"n": 1}
{"n": 3}
===
# and binds tighter than or
@table t
{"n": 1, "m": 0}
{"n": 2, "m": 1}
{"n": 3, "m": 1}
@query
table t | search n == 1 or n == 3 and m == 0 | fields n
@rows
{"n": 1}
===
# parentheses group
@table t
{"n": 1, "m": 0}
{"n": 2, "m": 1}
{"n": 3, "m": 1}
@query
table t | search (n == 1 or n == 3) and m == 1 | fields n
@rows
{"n": 3}
===
# not() negates
@table t
{"n": 1}
{"n": 2}
{"n": 3}
@query
table t | search not(n == 2) | fields n
@rows
{"n": 1}
{"n": 3}
===
# search keeps a row when the expression is a non-null non-boolean (a string field)
@table t
{"n": 1, "name": "a"}
{"n": 2}
{"n": 3, "name": ""}
@query
table t | search name | fields n
@rows
{"n": 1}
{"n": 3}
===
# search keeps a row when the expression is the number 0 (non-null non-boolean)
@table t
{"n": 0}
{"n": 5}
{"m": 1}
@query
table t | search n | fields n, m
@rows
{"n": 0}
{"n": 5}
===
# search drops rows where a boolean field is false
@table t
{"n": 1, "flag": true}
{"n": 2, "flag": false}
{"n": 3}
@query
table t | search flag | fields n
@rows
{"n": 1}
===
# search on a missing field keeps nothing
@table t
{"n": 1}
{"n": 2}
@query
table t | search nosuchfield | fields n
@rows
===
# search drops rows where a comparison is null (null operand)
@table t
{"n": 1, "m": 5}
{"n": 2}
@query
table t | search m > 1 | fields n
@rows
{"n": 1}
===
# search true keeps every row, search false none
@table t
{"n": 1}
{"n": 2}
@query
table t | search true | search not(false) | fields n
@rows
{"n": 1}
{"n": 2}
===
# two searches in a row
@table t
{"n": 1}
{"n": 2}
{"n": 3}
{"n": 4}
@query
table t | search n > 1 | search n < 4 | fields n
@rows
{"n": 2}
{"n": 3}
===
# search on a computed field
@table t
{"a": 1, "b": 2}
{"a": 5, "b": 1}
@query
table t | search a + b > 4 | fields a
@rows
{"a": 5}
===
# search with a function call as the whole expression
@table t
{"s": "hello world"}
{"s": "bye"}
@query
table t | search contains(s, "world") | fields s
@rows
{"s": "hello world"}
===
# search keeps rows in their input order
@table t
{"n": 5}
{"n": 1}
{"n": 4}
@query
table t | search n >= 1 | fields n
@rows
{"n": 5}
{"n": 1}
{"n": 4}
===
# a query may span lines: newlines are spaces
@table t
{"n": 1}
{"n": 2}
@query
table t
| search
  n == 2
| fields n
@rows
{"n": 2}
===
# "# " starts a comment to the end of the line
@table t
{"n": 1}
{"n": 2}
@query
table t # all rows
| search n == 1 # only the first
| fields n
@rows
{"n": 1}
===
# search with limit=1 on a string match
@table t
{"n": 1, "s": "x"}
{"n": 2, "s": "x"}
@query
table t | search limit=1 s == "x" | fields n
@rows
{"n": 1}
