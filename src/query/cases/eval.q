# eval adds a field
@table t
{"n": 1}
@query
table t | eval m = n + 1 | fields n, m
@rows
{"n": 1, "m": 2}
===
# eval overwrites an existing field
@table t
{"n": 1}
@query
table t | eval n = n * 10 | fields n
@rows
{"n": 10}
===
# several assignments run left to right; later ones see earlier ones
@table t
{"n": 1}
@query
table t | eval a = 1, b = a + 1, a = b * 10 | fields a, b
@rows
{"a": 20, "b": 2}
===
# an assignment sees the overwritten value of an earlier one in the same eval
@table t
{"n": 1}
@query
table t | eval n = n + 1, m = n * 100 | fields n, m
@rows
{"n": 2, "m": 200}
===
# eval null sets null
@table t
{"n": 1, "s": "x"}
@query
table t | eval s = null, t = isnull(s) | fields s, t
@rows
{"t": true}
===
# literals: true, false, null, integers, doubles, strings
@table t
{"n": 1}
@query
table t | eval a = true, b = false, c = null, d = 42, e = 1.5, f = "text" | fields a, b, c, d, e, f
@rows
{"a": true, "b": false, "d": 42, "e": 1.5, "f": "text"}
===
# string escapes \\ \" \n \t \r
@table t
{"n": 1}
@query
table t | eval a = "a\"b", b = "back\\slash", c = "x\ny", d = "x\ty", e = "x\r\ny" | fields a, b, c, d, e
@rows
{"a": "a\"b", "b": "back\\slash", "c": "x\ny", "d": "x\ty", "e": "x\r\ny"}
===
# a boolean result of a comparison
@table t
{"n": 3}
@query
table t | eval big = n > 2, small = n < 2 | fields big, small
@rows
{"big": true, "small": false}
===
# eval runs per row
@table t
{"n": 1}
{"n": 2}
{"n": 3}
@query
table t | eval sq = n * n | fields sq
@rows
{"sq": 1}
{"sq": 4}
{"sq": 9}
===
# field names keep their case: n and N are different fields
@table t
{"n": 1}
@query
table t | eval N = 5 | fields n, N
@rows
{"n": 1, "N": 5}
===
# function names are case-insensitive
@table t
{"s": "abc"}
@query
table t | eval a = UPPER(s), b = Len(s) | fields a, b
@rows
{"a": "ABC", "b": 3}
===
# keywords and, or, true, false, null are case-insensitive
@table t
{"n": 1}
@query
table t | eval a = TRUE AND True, b = FALSE Or true, c = isnull(NULL) | fields a, b, c
@rows
{"a": true, "b": true, "c": true}
===
# Haetae reading of "newlines in the query are spaces": also inside a string literal
@table t
{"n": 1}
@query
table t | eval s = "a
b" | fields s
@rows
{"s": "a b"}
===
# eval copies a field
@table t
{"s": "x"}
@query
table t | eval c = s | fields s, c
@rows
{"s": "x", "c": "x"}
===
# a field removed by fields reads as null afterwards
@table t
{"n": 1, "m": 2}
@query
table t | fields n | eval x = isnull(m) | fields n, x
@rows
{"n": 1, "x": true}
===
# a string literal with # inside is not a comment
@table t
{"n": 1}
@query
table t | eval s = "a # b" | fields s
@rows
{"s": "a # b"}
===
# a # not followed by a space is not a comment
@table t
{"n": 1}
@query
table t | eval s = "#tag" | fields s
@rows
{"s": "#tag"}
