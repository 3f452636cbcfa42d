# parsejson overlay=t adds the object's keys and keeps the row's fields
@table t
{"line": "{\"user\": \"bob\", \"n\": 3}", "host": "h1"}
@query
table t | parsejson overlay=t | fields user, n, host
@rows
{"user": "bob", "n": 3, "host": "h1"}
===
# overlay=t overwrites an existing field
@table t
{"line": "{\"user\": \"bob\"}", "user": "alice"}
@query
table t | parsejson overlay=t | fields user
@rows
{"user": "bob"}
===
# JSON types are kept: numbers, booleans, lists, maps
@table t
{"line": "{\"i\": 5, \"d\": 1.5, \"b\": false, \"l\": [1, \"x\"], \"m\": {\"k\": \"v\"}}"}
@query
table t | parsejson overlay=t | eval i2 = i + 1, ln = len(l), mk = valueof(m, "k") | fields i, d, b, l, m, i2, ln, mk
@rows
{"i": 5, "d": 1.5, "b": false, "l": [1, "x"], "m": {"k": "v"}, "i2": 6, "ln": 2, "mk": "v"}
===
# field= parses another field
@table t
{"raw": "{\"a\": 1}", "line": "{\"a\": 2}"}
@query
table t | parsejson field=raw overlay=t | fields a
@rows
{"a": 1}
===
# Haetae choice (spec lists overlay=t as an option; default off): without overlay the row holds only the parsed keys plus _id, _time, _table
@table t
{"line": "{\"a\": 1}", "host": "h1"}
@query
table t | parsejson overlay=f
@rows
{"_time": "2024-05-01T12:00:00.000Z", "a": 1}
===
# Haetae choice: text that is not a JSON object leaves the row as it is with overlay=t
@table t
{"n": 1, "line": "not json"}
{"n": 2, "line": "{\"a\": 1}"}
@query
table t | parsejson overlay=t | fields n, a
@rows
{"n": 1}
{"n": 2, "a": 1}
===
# a JSON null value sets the field to null
@table t
{"line": "{\"a\": null, \"b\": 1}", "a": "old"}
@query
table t | parsejson overlay=t | eval na = isnull(a) | fields na, b
@rows
{"na": true, "b": 1}
===
# nested maps: len counts keys, valueof reads one
@table t
{"line": "{\"proc\": {\"pid\": 42, \"name\": \"cmd.exe\"}}"}
@query
table t | parsejson overlay=t | eval k = len(proc), pid = valueof(proc, "pid") | fields k, pid
@rows
{"k": 2, "pid": 42}
===
# field("...") reads a key that is not a bare word
@table t
{"line": "{\"user-name\": \"bob\"}"}
@query
table t | parsejson overlay=t | eval u = field("user-name") | fields u
@rows
{"u": "bob"}
===
# a JSON string with escapes
@table t
{"line": "{\"path\": \"C:\\\\Windows\\\\cmd.exe\", \"q\": \"a\\\"b\"}"}
@query
table t | parsejson overlay=t | fields path, q
@rows
{"path": "C:\\Windows\\cmd.exe", "q": "a\"b"}
