# rex: named groups become fields
@table t
{"line": "user bob logged in from 10.0.0.5"}
@query
table t | rex field=line "user (?<user>\w+) logged in from (?<ip>[\d.]+)" | fields user, ip
@rows
{"user": "bob", "ip": "10.0.0.5"}
===
# rows that do not match pass unchanged
@table t
{"n": 1, "line": "user bob"}
{"n": 2, "line": "nothing here"}
@query
table t | rex field=line "user (?<user>\w+)" | fields n, user
@rows
{"n": 1, "user": "bob"}
{"n": 2}
===
# only the first match is used
@table t
{"line": "a1 b2 c3"}
@query
table t | rex field=line "(?<d>\d)" | fields d
@rows
{"d": "1"}
===
# rows with a null field pass unchanged
@table t
{"n": 1}
{"n": 2, "line": "id=7"}
@query
table t | rex field=line "id=(?<id>\d+)" | fields n, id
@rows
{"n": 1}
{"n": 2, "id": "7"}
===
# rex on another field
@table t
{"msg": "pid 4242 started", "line": "pid 1"}
@query
table t | rex field=msg "pid (?<pid>\d+)" | fields pid
@rows
{"pid": "4242"}
===
# extracted values are strings
@table t
{"line": "n=12"}
@query
table t | rex field=line "n=(?<n>\d+)" | eval plus = n + 1, s = concat(n, "x") | fields plus, s
@rows
{"plus": 13, "s": "12x"}
===
# rex overwrites an existing field
@table t
{"line": "user=carol", "user": "old"}
@query
table t | rex field=line "user=(?<user>\w+)" | fields user
@rows
{"user": "carol"}
===
# rex keeps the other fields
@table t
{"line": "code 404", "host": "h1"}
@query
table t | rex field=line "code (?<code>\d+)" | fields host, code, line
@rows
{"host": "h1", "code": "404", "line": "code 404"}
===
# rex matches across a CRLF-joined message
@table t
{"line": "Process Create:\r\nRuleName: -\r\nImage: C:\\Windows\\System32\\cmd.exe\r\nUser: CORP\\bob"}
@query
table t | rex field=line "Image: (?<img>[^\r\n]+)" | fields img
@rows
{"img": "C:\\Windows\\System32\\cmd.exe"}
===
# Haetae choice: a named group that does not take part in the match is null
@table t
{"line": "a=1"}
@query
table t | rex field=line "a=(?<a>\d)(?<b>x)?" | eval nb = isnull(b) | fields a, nb
@rows
{"a": "1", "nb": true}
