# wget url=...: one row, the whole body in line, the status in _wget_code
@http /hello.txt
hello world
@query
wget url="http://127.0.0.1:PORT/hello.txt" | fields line, _wget_code
@rows
{"line": "hello world", "_wget_code": 200}
===
# a missing page: the status is kept, the body is in line
@http /hello.txt
hello
@query
wget url="http://127.0.0.1:PORT/nosuch.txt" | fields line, _wget_code
@rows
{"line": "not found", "_wget_code": 404}
===
# the body is kept whole, line breaks included
@http /list.txt
a
b
c
@query
wget url="http://127.0.0.1:PORT/list.txt" | eval n = len(split(line, "\n")) | fields line, n
@rows
{"line": "a\nb\nc", "n": 3}
===
# split, explode: one row per line of the body
@http /list.txt
10.0.0.1
10.0.0.2
@query
wget url="http://127.0.0.1:PORT/list.txt" | eval ip = split(line, "\n") | fields ip | explode ip
@rows unordered
{"ip": "10.0.0.1"}
{"ip": "10.0.0.2"}
===
# method=post
@http /hello.txt
posted
@query
wget url="http://127.0.0.1:PORT/hello.txt" method=post | fields line, _wget_code
@rows
{"line": "posted", "_wget_code": 200}
===
# timeout= is accepted
@http /hello.txt
hi
@query
wget url="http://127.0.0.1:PORT/hello.txt" timeout=5 | fields line
@rows
{"line": "hi"}
===
# options in any order
@http /hello.txt
hi
@query
wget timeout=10 method=get url="http://127.0.0.1:PORT/hello.txt" | fields line
@rows
{"line": "hi"}
===
# wget without url= fetches each input row's url field
@table t
{"name": "a.txt"}
{"name": "b.txt"}
@http /a.txt
AAA
@http /b.txt
BBB
@query
table t | eval url = concat("http://127.0.0.1:PORT/", name) | wget | fields name, line, _wget_code
@rows unordered
{"name": "a.txt", "line": "AAA", "_wget_code": 200}
{"name": "b.txt", "line": "BBB", "_wget_code": 200}
===
# wget with url= after a table fetches once per input row and keeps the row's fields
@table t
{"n": 1}
{"n": 2}
@http /x.txt
X
@query
table t | wget url="http://127.0.0.1:PORT/x.txt" | fields n, line
@rows unordered
{"n": 1, "line": "X"}
{"n": 2, "line": "X"}
===
# a wget source's body can feed parsekv
@http /kv.txt
a=1 b=2
@query
wget url="http://127.0.0.1:PORT/kv.txt" | parsekv | fields a, b
@rows
{"a": "1", "b": "2"}
===
# a wget source's body can feed parsejson
@http /j.json
{"user": "bob", "n": 3}
@query
wget url="http://127.0.0.1:PORT/j.json" | parsejson overlay=t | fields user, n
@rows
{"user": "bob", "n": 3}
===
# a CRLF body split on "\r\n"
@http /ip.txt
1.2.3.4
5.6.7.8

@query
wget url="http://127.0.0.1:PORT/ip.txt" | eval ip = split(line, "\r\n") | fields ip | explode ip | search ip != ""
@rows unordered
{"ip": "1.2.3.4"}
{"ip": "5.6.7.8"}
===
# a URL host that is not on the allowlist is refused before any request (localhost is not 127.0.0.1)
@http /hello.txt
hello
@query
wget url="http://localhost:PORT/hello.txt"
@error
not in the wget allowlist
localhost
===
# only http and https URLs
@query
wget url="file:///etc/passwd"
@error
only http and https
