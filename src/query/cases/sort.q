# sort ascending by default
@table t
{"n": 3}
{"n": 1}
{"n": 2}
@query
table t | sort n | fields n
@rows
{"n": 1}
{"n": 2}
{"n": 3}
===
# - sorts descending
@table t
{"n": 3}
{"n": 1}
{"n": 2}
@query
table t | sort -n | fields n
@rows
{"n": 3}
{"n": 2}
{"n": 1}
===
# + sorts ascending
@table t
{"n": 3}
{"n": 1}
{"n": 2}
@query
table t | sort +n | fields n
@rows
{"n": 1}
{"n": 2}
{"n": 3}
===
# nulls first ascending
@table t
{"n": 3, "id": "a"}
{"id": "b"}
{"n": 1, "id": "c"}
@query
table t | sort n | fields id
@rows
{"id": "b"}
{"id": "c"}
{"id": "a"}
===
# nulls last descending
@table t
{"n": 3, "id": "a"}
{"id": "b"}
{"n": 1, "id": "c"}
@query
table t | sort -n | fields id
@rows
{"id": "a"}
{"id": "c"}
{"id": "b"}
===
# several keys: the second breaks ties of the first
@table t
{"host": "b", "n": 1}
{"host": "a", "n": 1}
{"host": "a", "n": 5}
{"host": "b", "n": 3}
@query
table t | sort host, -n | fields host, n
@rows
{"host": "a", "n": 5}
{"host": "a", "n": 1}
{"host": "b", "n": 3}
{"host": "b", "n": 1}
===
# several keys, both descending
@table t
{"host": "b", "n": 1}
{"host": "a", "n": 1}
{"host": "a", "n": 5}
{"host": "b", "n": 3}
@query
table t | sort -host, -n | fields host, n
@rows
{"host": "b", "n": 3}
{"host": "b", "n": 1}
{"host": "a", "n": 5}
{"host": "a", "n": 1}
===
# sort limit=N keeps the first N sorted rows
@table t
{"n": 3}
{"n": 1}
{"n": 5}
{"n": 2}
@query
table t | sort limit=2 -n | fields n
@rows
{"n": 5}
{"n": 3}
===
# sort by _time ascending
@table t
{"n": 1}
{"n": 2}
{"n": 3}
@query
table t | sort _time | fields n
@rows
{"n": 3}
{"n": 2}
{"n": 1}
===
# sort strings case-insensitively
@table t
{"s": "banana"}
{"s": "Apple"}
{"s": "cherry"}
@query
table t | sort s | fields s
@rows
{"s": "Apple"}
{"s": "banana"}
{"s": "cherry"}
===
# sort on a computed field
@table t
{"a": 1, "b": 9}
{"a": 5, "b": 1}
{"a": 2, "b": 2}
@query
table t | eval s = a + b | sort s | fields a
@rows
{"a": 2}
{"a": 5}
{"a": 1}
===
# sort dates
@table t
{"d": {"$date": "2024-03-01T00:00:00Z"}, "n": 1}
{"d": {"$date": "2023-03-01T00:00:00Z"}, "n": 2}
{"d": {"$date": "2024-01-01T00:00:00Z"}, "n": 3}
@query
table t | sort d | fields n
@rows
{"n": 2}
{"n": 3}
{"n": 1}
===
# sort IP addresses by their bytes
@table t
{"n": 1}
@query
table t | eval v = array(ip("10.0.0.10"), ip("10.0.0.9"), ip("9.255.255.255"), ip("192.168.0.1")) | explode v | sort v | fields v
@rows
{"v": "9.255.255.255"}
{"v": "10.0.0.9"}
{"v": "10.0.0.10"}
{"v": "192.168.0.1"}
===
# sort on a field missing everywhere keeps every row
@table t
{"n": 1}
{"n": 2}
@query
table t | sort nosuch | stats count
@rows
{"count": 2}
===
# sort limit with ascending order and nulls
@table t
{"n": 3, "id": "a"}
{"id": "b"}
{"n": 1, "id": "c"}
@query
table t | sort limit=2 n | fields id
@rows
{"id": "b"}
{"id": "c"}
