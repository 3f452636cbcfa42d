# int converts numeric text and truncates
@table t
{"s": "42"}
@query
table t | eval a = int(s), b = int(3.9), c = int(-3.9), d = int("12.7") | fields a, b, c, d
@rows
{"a": 42, "b": 3, "c": -3, "d": 12}
===
# int makes a number that compares as a number
@table t
{"s": "10"}
@query
table t | eval a = int(s) < 20, b = s < 20 | fields a, b
@rows
{"a": true, "b": false}
===
# Haetae choice: int of non-numeric text is null
@table t
{"s": "abc"}
@query
table t | eval a = isnull(int(s)), b = isnull(int(missing)) | fields a, b
@rows
{"a": true, "b": true}
===
# long handles values beyond 32 bits
@table t
{"s": "1234567890123"}
@query
table t | eval a = long(s), b = long(s) + 1 | fields a, b
@rows
{"a": 1234567890123, "b": 1234567890124}
===
# double parses decimal text
@table t
{"s": "1.5"}
@query
table t | eval a = double(s), b = double(s) * 2, c = double(3) | fields a, b, c
@rows
{"a": 1.5, "b": 3, "c": 3}
===
# str turns a value into text
@table t
{"n": 42}
@query
table t | eval a = str(n), b = str(1.5), c = str(true), d = str(n) > 1000 | fields a, b, c, d
@rows
{"a": "42", "b": "1.5", "c": "true", "d": true}
===
# str(date, fmt) formats a date (Haetae choice: in UTC)
@table t
{"d": {"$date": "2024-05-01T13:04:05Z"}}
@query
table t | eval a = str(d, "yyyy-MM-dd"), b = str(d, "HH:mm:ss"), c = str(d, "yyyyMMddHHmmss") | fields a, b, c
@rows
{"a": "2024-05-01", "b": "13:04:05", "c": "20240501130405"}
===
# str of null is null
@table t
{"n": 1}
@query
table t | eval a = isnull(str(missing)) | fields a
@rows
{"a": true}
===
# ip() makes an IP value, which sorts between dates and strings
@table t
{"s": "10.0.0.1"}
@query
table t | eval a = ip(s), b = ip(s) > 999999, c = ip(s) < "0", d = s > 999999 | fields a, b, c, d
@rows
{"a": "10.0.0.1", "b": true, "c": true, "d": true}
===
# ip() of text that is not an address is null
@table t
{"s": "not an ip"}
@query
table t | eval a = isnull(ip(s)), b = isnull(ip("999.1.1.1")) | fields a, b
@rows
{"a": true, "b": true}
===
# Haetae choice: ip() prints IPv6 in canonical form (lower case, :: for the longest zero run)
@table t
{"s": "2001:DB8:0:0:0:0:0:1"}
@query
table t | eval a = ip(s) | fields a
@rows
{"a": "2001:db8::1"}
===
# network(ip, bits) returns the network address
@table t
{"s": "192.168.10.77"}
@query
table t | eval a = network(s, 24), b = network(s, 16), c = network("10.1.2.3", 8), d = network(s, 32) | fields a, b, c, d
@rows
{"a": "192.168.10.0", "b": "192.168.0.0", "c": "10.0.0.0", "d": "192.168.10.77"}
===
# network of an IP value and an odd prefix length
@table t
{"s": "10.255.255.255"}
@query
table t | eval a = network(ip(s), 12), b = network(ip(s), 0) | fields a, b
@rows
{"a": "10.240.0.0", "b": "0.0.0.0"}
===
# network of an IPv6 address
@table t
{"s": "2001:db8:abcd:12::1"}
@query
table t | eval a = network(s, 32), b = network(s, 48) | fields a, b
@rows
{"a": "2001:db8::", "b": "2001:db8:abcd::"}
===
# stats group by network
@table t
{"ip": "10.0.1.5"}
{"ip": "10.0.1.9"}
{"ip": "10.0.2.1"}
@query
table t | eval net = str(network(ip, 24)) | stats count by net
@rows unordered
{"net": "10.0.1.0", "count": 2}
{"net": "10.0.2.0", "count": 1}
