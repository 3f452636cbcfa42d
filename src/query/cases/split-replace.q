# split on a literal delimiter returns a list
@table t
{"s": "a,b,c"}
@query
table t | eval l = split(s, ",") | fields l
@rows
{"l": ["a", "b", "c"]}
===
# a trailing delimiter gives a trailing ""
@table t
{"s": "a,b,"}
@query
table t | eval l = split(s, ",") | fields l
@rows
{"l": ["a", "b", ""]}
===
# the empty string gives an empty list
@table t
{"s": ""}
@query
table t | eval l = split(s, ","), n = len(l) | fields n
@rows
{"n": 0}
===
# a leading delimiter and consecutive delimiters give empty items
@table t
{"s": ",a,,b"}
@query
table t | eval l = split(s, ",") | fields l
@rows
{"l": ["", "a", "", "b"]}
===
# the delimiter is literal, not a regex
@table t
{"s": "1.2.3.4", "p": "a|b|c"}
@query
table t | eval a = split(s, "."), b = split(p, "|") | fields a, b
@rows
{"a": ["1", "2", "3", "4"], "b": ["a", "b", "c"]}
===
# a multi-character delimiter
@table t
{"s": "a::b:c::d"}
@query
table t | eval l = split(s, "::") | fields l
@rows
{"l": ["a", "b:c", "d"]}
===
# split on CRLF
@table t
{"s": "1.1.1.1\r\n2.2.2.2\r\n"}
@query
table t | eval l = split(s, "\r\n") | fields l
@rows
{"l": ["1.1.1.1", "2.2.2.2", ""]}
===
# a string without the delimiter gives a one-item list
@table t
{"s": "abc"}
@query
table t | eval l = split(s, ",") | fields l
@rows
{"l": ["abc"]}
===
# Haetae choice (Java's split limit): split(s, d, n) gives at most n items, the last holding the rest
@table t
{"s": "a,b,c,d"}
@query
table t | eval l = split(s, ",", 2) | fields l
@rows
{"l": ["a", "b,c,d"]}
===
# items of a split can be read with valueof
@table t
{"s": "user@example.com"}
@query
table t | eval parts = split(s, "@"), u = valueof(parts, 0), d = valueof(parts, 1) | fields u, d
@rows
{"u": "user", "d": "example.com"}
===
# replace replaces every occurrence, literally
@table t
{"s": "a.b.c"}
@query
table t | eval a = replace(s, ".", "-"), b = replace("aaa", "a", "bb") | fields a, b
@rows
{"a": "a-b-c", "b": "bbbbbb"}
===
# replace is case-sensitive
@table t
{"s": "AaA"}
@query
table t | eval a = replace(s, "a", "x") | fields a
@rows
{"a": "AxA"}
===
# replace with regex characters in a literal pattern
@table t
{"s": "(a)*[b]"}
@query
table t | eval a = replace(s, "*", "+"), b = replace(s, "(a)", "A") | fields a, b
@rows
{"a": "(a)+[b]", "b": "A*[b]"}
===
# replace with "re": a regex
@table t
{"s": "abc123def45"}
@query
table t | eval a = replace(s, "\\d+", "#", "re") | fields a
@rows
{"a": "abc#def#"}
===
# replace with "re": $1 refers to a group
@table t
{"s": "john smith"}
@query
table t | eval a = replace(s, "(\\w+) (\\w+)", "$2 $1", "re") | fields a
@rows
{"a": "smith john"}
===
# replace "\n" with a backtick (the acceptance idiom)
@table t
{"s": "a\r\nb\r\nc"}
@query
table t | eval a = replace(s, "\n", "`") | fields a
@rows
{"a": "a\r`b\r`c"}
===
# replace with an empty replacement deletes
@table t
{"s": "a-b-c"}
@query
table t | eval a = replace(s, "-", "") | fields a
@rows
{"a": "abc"}
===
# replace of null is null
@table t
{"n": 1}
@query
table t | eval a = isnull(replace(missing, "a", "b")) | fields a
@rows
{"a": true}
===
# replace when the pattern is absent leaves the string unchanged
@table t
{"s": "abc"}
@query
table t | eval a = replace(s, "z", "y") | fields a
@rows
{"a": "abc"}
