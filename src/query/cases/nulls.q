# a missing field reads as null
@table t
{"n": 1}
@query
table t | eval a = isnull(missing), b = isnotnull(missing), c = isnull(n) | fields a, b, c
@rows
{"a": true, "b": false, "c": false}
===
# eval of null sets the field to null (it disappears from the output)
@table t
{"n": 1, "s": "x"}
@query
table t | eval s = null | eval gone = isnull(s) | fields n, s, gone
@rows
{"n": 1, "gone": true}
===
# or: a null side does not hide a true side
@table t
{"n": 1}
{"n": 2}
@query
table t | search missing > 5 or n == 1 | fields n
@rows
{"n": 1}
===
# and: a null side drops the row in search
@table t
{"n": 1}
{"n": 2}
@query
table t | search missing > 5 and n == 1 | fields n
@rows
===
# or with a true side is true; and with a false side is false, whatever the other side
@table t
{"n": 1}
@query
table t | eval a = (missing > 5) or true, b = false and (missing > 5), c = true or (missing > 5), d = (missing > 5) and false | fields a, b, c, d
@rows
{"a": true, "b": false, "c": true, "d": false}
===
# and/or treat a non-null non-boolean as true
@table t
{"n": 1, "s": "x"}
@query
table t | eval a = s and true, b = 0 or false, c = "abc" and "def", d = false or s, e = false and s | fields a, b, c, d, e
@rows
{"a": true, "b": true, "c": true, "d": true, "e": false}
===
# and/or with only booleans
@table t
{"n": 1}
@query
table t | eval a = true and false, b = false or false, c = true and true, d = false or true | fields a, b, c, d
@rows
{"a": false, "b": false, "c": true, "d": true}
===
# search keeps rows where a non-null non-boolean and a true condition meet
@table t
{"n": 1, "s": "x"}
{"n": 2}
@query
table t | search s and n > 0 | fields n
@rows
{"n": 1}
===
# concat appends "null" for a null argument
@table t
{"n": 1}
@query
table t | eval a = concat("a", missing, "b"), b = concat(null) | fields a, b
@rows
{"a": "anullb", "b": "null"}
===
# len of null is 0
@table t
{"n": 1}
@query
table t | eval a = len(missing), b = len(null) | fields a, b
@rows
{"a": 0, "b": 0}
===
# nvl replaces a null
@table t
{"n": 1, "s": "v"}
@query
table t | eval a = nvl(missing, "d"), b = nvl(s, "d"), c = nvl(missing, n) | fields a, b, c
@rows
{"a": "d", "b": "v", "c": 1}
===
# a missing field and an explicit null compare the same: == is false on a null left
@table t
{"n": 1}
@query
table t | eval a = (missing == null), b = (missing != null), c = (null == 1) | fields a, b, c
@rows
{"a": false, "b": false, "c": false}
===
# stats over nulls: count(e) skips nulls, sum of nothing is null
@table t
{"n": 1}
{"n": 2}
@query
table t | stats count, count(missing) as c, sum(missing) as s | fields count, c, s
@rows
{"count": 2, "c": 0}
===
# null sorts first ascending and last descending
@table t
{"k": 2, "n": 1}
{"n": 2}
{"k": 1, "n": 3}
@query
table t | sort k | fields n
@rows
{"n": 2}
{"n": 3}
{"n": 1}
===
# substr and indexof of null are null
@table t
{"n": 1}
@query
table t | eval a = isnull(substr(missing, 0, 1)), b = isnull(indexof(missing, "x")), c = isnull(indexof("x", missing)) | fields a, b, c
@rows
{"a": true, "b": true, "c": true}
===
# Haetae choice (spec silent): not(null) is true, so not(missing > 5) keeps rows without the field
@table t
{"n": 1, "m": 10}
{"n": 2}
{"n": 3, "m": 1}
@query
table t | search not(m > 5) | fields n
@rows
{"n": 2}
{"n": 3}
===
# lower/upper/trim of null are null (Haetae choice: a null argument where a value is needed gives null)
@table t
{"n": 1}
@query
table t | eval a = isnull(lower(missing)), b = isnull(upper(missing)), c = isnull(trim(missing)) | fields a, b, c
@rows
{"a": true, "b": true, "c": true}
