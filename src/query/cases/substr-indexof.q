# substr is 0-based and end-exclusive
@table t
{"s": "0123456789"}
@query
table t | eval a = substr(s, 2, 4) | fields a
@rows
{"a": "23"}
===
# substr without end runs to the end
@table t
{"s": "0123456789"}
@query
table t | eval a = substr(s, 2), b = substr(s, 0), c = substr(s, 9) | fields a, b, c
@rows
{"a": "23456789", "b": "0123456789", "c": "9"}
===
# negative begin counts from the end
@table t
{"s": "0123456789"}
@query
table t | eval a = substr(s, -3), b = substr(s, -1) | fields a, b
@rows
{"a": "789", "b": "9"}
===
# negative end counts from the end
@table t
{"s": "0123456789"}
@query
table t | eval a = substr(s, 0, -1), b = substr(s, -4, -2), c = substr(s, 2, -5) | fields a, b, c
@rows
{"a": "012345678", "b": "67", "c": "234"}
===
# null when begin >= len
@table t
{"s": "0123456789"}
@query
table t | eval a = isnull(substr(s, 10)), b = isnull(substr(s, 15, 20)), c = isnull(substr("", 0)) | fields a, b, c
@rows
{"a": true, "b": true, "c": true}
===
# null when begin > end
@table t
{"s": "0123456789"}
@query
table t | eval a = isnull(substr(s, 5, 3)), b = isnull(substr(s, -2, -5)) | fields a, b
@rows
{"a": true, "b": true}
===
# begin == end gives the empty string, not null
@table t
{"s": "0123456789"}
@query
table t | eval a = substr(s, 5, 5), b = isnull(substr(s, 5, 5)) | fields a, b
@rows
{"a": "", "b": false}
===
# end is clamped to the length
@table t
{"s": "0123456789"}
@query
table t | eval a = substr(s, 8, 100), b = substr(s, 0, 10) | fields a, b
@rows
{"a": "89", "b": "0123456789"}
===
# substr of null is null
@table t
{"n": 1}
@query
table t | eval a = isnull(substr(missing, 0, 2)) | fields a
@rows
{"a": true}
===
# Haetae choice: a negative begin beyond the length counts as 0
@table t
{"s": "abc"}
@query
table t | eval a = substr(s, -10) | fields a
@rows
{"a": "abc"}
===
# substr with computed positions
@table t
{"s": "key=value"}
@query
table t | eval k = substr(s, 0, indexof(s, "=")), v = substr(s, indexof(s, "=") + 1) | fields k, v
@rows
{"k": "key", "v": "value"}
===
# indexof is 0-based
@table t
{"s": "hello"}
@query
table t | eval a = indexof(s, "l"), b = indexof(s, "h"), c = indexof(s, "lo") | fields a, b, c
@rows
{"a": 2, "b": 0, "c": 3}
===
# indexof gives -1 when absent
@table t
{"s": "hello"}
@query
table t | eval a = indexof(s, "z"), b = indexof(s, "H"), c = indexof("", "a") | fields a, b, c
@rows
{"a": -1, "b": -1, "c": -1}
===
# indexof with a start position
@table t
{"s": "hello"}
@query
table t | eval a = indexof(s, "l", 3), b = indexof(s, "l", 4), c = indexof(s, "h", 1) | fields a, b, c
@rows
{"a": 3, "b": -1, "c": -1}
===
# indexof is null if an argument is null
@table t
{"s": "hello"}
@query
table t | eval a = isnull(indexof(missing, "a")), b = isnull(indexof(s, missing)), c = isnull(indexof(s, "l", missing)), d = isnull(indexof(s, null)) | fields a, b, c, d
@rows
{"a": true, "b": true, "c": true, "d": true}
===
# indexof of the empty string is 0
@table t
{"s": "hello"}
@query
table t | eval a = indexof(s, "") | fields a
@rows
{"a": 0}
===
# the acceptance idiom: indexof(line, ":") + 3 skips ":\r\n" of a CRLF message
@table t
{"line": "Process Create:\r\nRuleName: -\r\nImage: x.exe"}
@query
table t | eval i = indexof(line, ":"), rest = substr(line, indexof(line, ":") + 3) | fields i, rest
@rows
{"i": 14, "rest": "RuleName: -\r\nImage: x.exe"}
===
# the acceptance idiom: substr after indexof(..., "SHA256=") + 7
@table t
{"Hashes": "MD5=AAAA,SHA256=BBBB,IMPHASH=CCCC"}
@query
table t | eval h = substr(Hashes, indexof(Hashes, "SHA256=") + 7) | fields h
@rows
{"h": "BBBB,IMPHASH=CCCC"}
===
# when the needle is absent, indexof(...) + 7 is 6: substr from 6 of a 6-char string is null
@table t
{"Hashes": "MD5=AA"}
@query
table t | eval h = substr(Hashes, indexof(Hashes, "SHA256=") + 7), i = isnull(h) | fields h, i
@rows
{"i": true}
===
# substr of a number reads its text (Haetae choice: non-strings are read as printed)
@table t
{"n": 4624}
@query
table t | eval a = substr(n, 0, 2) | fields a
@rows
{"a": "46"}
