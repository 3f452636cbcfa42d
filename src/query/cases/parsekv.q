# defaults: field=line, pairdelim=" ", kvdelim="=", overlay=f (only parsed keys plus _id, _time, _table remain)
@table t
{"line": "a=1 b=2", "other": "x"}
@query
table t | parsekv
@rows
{"_time": "2024-05-01T12:00:00.000Z", "a": "1", "b": "2"}
===
# parsed values are strings
@table t
{"line": "n=42"}
@query
table t | parsekv | eval s = concat(n, "!"), c = n > 1000 | fields n, s, c
@rows
{"n": "42", "s": "42!", "c": true}
===
# overlay=t keeps the row's other fields, line included
@table t
{"line": "a=1 b=2", "other": "x"}
@query
table t | parsekv overlay=t | fields line, other, a, b
@rows
{"line": "a=1 b=2", "other": "x", "a": "1", "b": "2"}
===
# overlay=t overwrites an existing field
@table t
{"line": "user=bob", "user": "alice"}
@query
table t | parsekv overlay=t | fields user
@rows
{"user": "bob"}
===
# the value keeps everything after the first kvdelim
@table t
{"line": "url=http://x/?q=1&r=2 b=2=3"}
@query
table t | parsekv | fields url, b
@rows
{"url": "http://x/?q=1&r=2", "b": "2=3"}
===
# a pair without kvdelim sets its key to null (overwriting an existing field with overlay)
@table t
{"line": "flag a=1", "flag": "old"}
@query
table t | parsekv overlay=t | eval f = isnull(flag) | fields a, flag, f
@rows
{"a": "1", "f": true}
===
# each pair is trimmed of chars <= U+0020 (spaces, tabs, CR); empty pairs are skipped
@table t
{"line": "  a=1 ,\tb=2\r\n,,   , c=3\r"}
@query
table t | parsekv pairdelim="," | fields a, b, c
@rows
{"a": "1", "b": "2", "c": "3"}
===
# only the pair is trimmed, not the key and value around kvdelim
@table t
{"line": "a = 1,b=2"}
@query
table t | parsekv pairdelim="," | eval k = field("a "), v = concat("[", k, "]") | fields v, b
@rows
{"v": "[ 1]", "b": "2"}
===
# multi-character pairdelim is split literally
@table t
{"line": "a=1||b=2|c||d=4"}
@query
table t | parsekv pairdelim="||" | fields a, b, d
@rows
{"a": "1", "b": "2|c", "d": "4"}
===
# multi-character kvdelim ": " splits at its first occurrence
@table t
{"line": "Image: C:\\Windows\\cmd.exe`UtcTime: 2024-05-01 12:00:00.000`Rule: a: b"}
@query
table t | parsekv pairdelim="`" kvdelim=": " | fields Image, UtcTime, Rule
@rows
{"Image": "C:\\Windows\\cmd.exe", "UtcTime": "2024-05-01 12:00:00.000", "Rule": "a: b"}
===
# a colon without the space is not the ": " kvdelim
@table t
{"line": "a:1`b: 2"}
@query
table t | parsekv pairdelim="`" kvdelim=": " | eval x = isnull(field("a:1")) | fields b, x
@rows
{"b": "2", "x": true}
===
# field= parses another field
@table t
{"msg": "k=v", "line": "z=9"}
@query
table t | parsekv field=msg overlay=t | fields k, z, line
@rows
{"k": "v", "line": "z=9"}
===
# null target with overlay=t: the row passes through unchanged
@table t
{"n": 1, "line": "a=1"}
{"n": 2}
@query
table t | parsekv overlay=t | fields n, a
@rows
{"n": 1, "a": "1"}
{"n": 2}
===
# null target without overlay: the row is dropped
@table t
{"n": 1, "line": "a=1"}
{"n": 2}
@query
table t | parsekv | fields a
@rows
{"a": "1"}
===
# options are raw: pairdelim="\n" is a backslash and an n, not a line break
@table t
{"line": "a=1\\nb=2"}
@query
table t | parsekv pairdelim="\n" | fields a, b
@rows
{"a": "1", "b": "2"}
===
# boolean options accept t/true/f/false in any case
@table t
{"line": "a=1", "n": 5}
@query
table t | parsekv overlay=TRUE | parsekv overlay=T | fields n, a
@rows
{"n": 5, "a": "1"}
===
# overlay=false is overlay off
@table t
{"line": "a=1", "n": 5}
@query
table t | parsekv overlay=False | fields n, a
@rows
{"a": "1"}
===
# a value may be empty
@table t
{"line": "a= b=2"}
@query
table t | parsekv | eval e = (a == "") | fields e, b
@rows
{"e": true, "b": "2"}
===
# a line of only delimiters and blanks yields no keys; without overlay the row keeps only system fields
@table t
{"line": " ,  , ", "n": 1}
@query
table t | parsekv pairdelim="," | eval c = 1 | fields n, c
@rows
{"c": 1}
===
# parsekv without overlay keeps _time, so later commands can use it
@table t
{"line": "a=1"}
@query
table t | parsekv | eval t = isnotnull(_time) | fields t, a
@rows
{"t": true, "a": "1"}
===
# Haetae choice (spec silent): when a key repeats, the later value wins
@table t
{"line": "a=1 a=2"}
@query
table t | parsekv | fields a
@rows
{"a": "2"}
===
# CRLF-joined message after replace: parsekv trims the leftover \r of each pair
@table t
{"line": "Process Create:\r\nRuleName: -\r\nProcessId: 4242\r\nImage: C:\\Windows\\System32\\cmd.exe"}
@query
table t | eval line = substr(line, indexof(line, ":") + 3), line = replace(line, "\n", "`") | parsekv overlay=t pairdelim="`" kvdelim=": " | fields RuleName, ProcessId, Image
@rows
{"RuleName": "-", "ProcessId": "4242", "Image": "C:\\Windows\\System32\\cmd.exe"}
