# len of a string
@table t
{"s": "hello"}
@query
table t | eval a = len(s), b = len(""), c = len("a b") | fields a, b, c
@rows
{"a": 5, "b": 0, "c": 3}
===
# len of a list and of a map is its size
@table t
{"line": "{\"m\": {\"a\": 1, \"b\": 2, \"c\": 3}}"}
@query
table t | parsejson overlay=t | eval a = len(array(1, 2, 3, 4)), b = len(split("a,b", ",")), c = len(m), d = len(array()) | fields a, b, c, d
@rows
{"a": 4, "b": 2, "c": 3, "d": 0}
===
# lower and upper
@table t
{"s": "MiXeD Case 123"}
@query
table t | eval a = lower(s), b = upper(s) | fields a, b
@rows
{"a": "mixed case 123", "b": "MIXED CASE 123"}
===
# trim removes blanks and control characters at both ends only
@table t
{"s": " \t a b \r\n"}
@query
table t | eval a = trim(s), b = trim("x"), c = trim("   ") | fields a, b, c
@rows
{"a": "a b", "b": "x", "c": ""}
===
# concat joins any number of arguments
@table t
{"a": "foo", "n": 7}
@query
table t | eval x = concat(a, "-", n), y = concat("a", "b", "c", "d"), z = concat(1, 2) | fields x, y, z
@rows
{"x": "foo-7", "y": "abcd", "z": "12"}
===
# concat with a null appends "null"
@table t
{"a": "foo"}
@query
table t | eval x = concat(a, missing) | fields x
@rows
{"x": "foonull"}
===
# contains is a case-sensitive substring test (Haetae choice: false for a null argument)
@table t
{"s": "Hello World"}
@query
table t | eval a = contains(s, "lo W"), b = contains(s, "world"), c = contains(s, ""), d = contains(missing, "x") | fields a, b, c, d
@rows
{"a": true, "b": false, "c": true, "d": false}
===
# match tests a regular expression
@table t
{"s": "abc123"}
@query
table t | eval a = match(s, "^[a-z]+\\d+$"), b = match(s, "^\\d+$"), c = match(s, "(?i)^ABC") | fields a, b, c
@rows
{"a": true, "b": false, "c": true}
===
# Haetae choice (as SPL's match): match finds the regex anywhere; anchor with ^...$ for a whole match
@table t
{"s": "xx-123-yy"}
@query
table t | eval a = match(s, "\\d+"), b = match(s, "^\\d+$") | fields a, b
@rows
{"a": true, "b": false}
===
# match in search
@table t
{"n": 1, "cmd": "powershell -enc AAAA"}
{"n": 2, "cmd": "cmd /c dir"}
@query
table t | search match(cmd, "-enc\\b") | fields n
@rows
{"n": 1}
===
# left and right
@table t
{"s": "abcdef"}
@query
table t | eval a = left(s, 3), b = right(s, 2), c = left(s, 10), d = right(s, 10), e = left(s, 0) | fields a, b, c, d, e
@rows
{"a": "abc", "b": "ef", "c": "abcdef", "d": "abcdef", "e": ""}
===
# strjoin joins a list with a separator
@table t
{"n": 1}
@query
table t | eval a = strjoin(",", array("a", "b", "c")), b = strjoin(" - ", split("x y", " ")), c = strjoin(",", array()) | fields a, b, c
@rows
{"a": "a,b,c", "b": "x - y", "c": ""}
===
# array builds a list
@table t
{"n": 1, "s": "x"}
@query
table t | eval a = array(n, s, 2.5, true) | fields a
@rows
{"a": [1, "x", 2.5, true]}
===
# valueof reads a list element (0-based) or a map value (Haetae choice: null when absent or out of range)
@table t
{"line": "{\"m\": {\"k\": \"v\"}}"}
@query
table t | parsejson overlay=t | eval a = valueof(array("x", "y", "z"), 1), b = valueof(m, "k"), c = isnull(valueof(m, "nope")), d = isnull(valueof(array("x"), 5)) | fields a, b, c, d
@rows
{"a": "y", "b": "v", "c": true, "d": true}
===
# field("name") reads a field by name
@table t
{"n": 1, "s": "x"}
@query
table t | eval a = field("s"), b = field("n") + 1, c = isnull(field("nope")) | fields a, b, c
@rows
{"a": "x", "b": 2, "c": true}
===
# field() with a computed name
@table t
{"f1": "one", "f2": "two", "k": 2}
@query
table t | eval v = field(concat("f", k)) | fields v
@rows
{"v": "two"}
===
# Haetae choice: string functions read a non-string argument as its text
@table t
{"n": 1}
@query
table t | eval a = upper(true), b = len(12345) | fields a, b
@rows
{"a": "TRUE", "b": 5}
===
# string functions chain
@table t
{"s": "  Mixed  "}
@query
table t | eval a = upper(trim(s)), b = len(trim(s)), c = concat("[", lower(trim(s)), "]") | fields a, b, c
@rows
{"a": "MIXED", "b": 5, "c": "[mixed]"}
