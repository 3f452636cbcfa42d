# cidrmatch (Haetae extension): IPv4 networks
@table t
{"s": "10.1.2.3"}
@query
table t | eval a = cidrmatch("10.0.0.0/8", s), b = cidrmatch("11.0.0.0/8", s), c = cidrmatch("10.1.2.0/24", ip(s)), d = cidrmatch("10.1.2.3/32", s) | fields a, b, c, d
@rows
{"a": true, "b": false, "c": true, "d": true}
===
# cidrmatch (extension): IPv6 networks
@table t
{"s": "fe80::1"}
@query
table t | eval a = cidrmatch("fe80::/10", s), b = cidrmatch("2001:db8::/32", s) | fields a, b
@rows
{"a": true, "b": false}
===
# cidrmatch (extension): null or a non-address is false
@table t
{"s": "nope"}
@query
table t | eval a = cidrmatch("10.0.0.0/8", missing), b = cidrmatch("10.0.0.0/8", s) | fields a, b
@rows
{"a": false, "b": false}
===
# cidrmatch (extension) in search
@table t
{"n": 1, "DestinationIp": "192.168.1.20"}
{"n": 2, "DestinationIp": "8.8.8.8"}
{"n": 3, "DestinationIp": "192.168.2.1"}
@query
table t | search cidrmatch("192.168.1.0/24", DestinationIp) | fields n
@rows
{"n": 1}
===
# isprivateip (Haetae extension): RFC 1918
@table t
{"n": 1}
@query
table t | eval a = isprivateip("10.1.1.1"), b = isprivateip("172.16.0.1"), c = isprivateip("172.31.255.255"), d = isprivateip("172.32.0.1"), e = isprivateip("192.168.0.1"), f = isprivateip("8.8.8.8") | fields a, b, c, d, e, f
@rows
{"a": true, "b": true, "c": true, "d": false, "e": true, "f": false}
===
# isprivateip (extension): loopback, link-local, CGNAT
@table t
{"n": 1}
@query
table t | eval a = isprivateip("127.0.0.1"), b = isprivateip("169.254.10.1"), c = isprivateip("100.64.0.1"), d = isprivateip("100.128.0.1") | fields a, b, c, d
@rows
{"a": true, "b": true, "c": true, "d": false}
===
# isprivateip (extension): IPv6 ULA, link-local and loopback
@table t
{"n": 1}
@query
table t | eval a = isprivateip("fc00::1"), b = isprivateip("fd12:3456::1"), c = isprivateip("fe80::1"), d = isprivateip("::1"), e = isprivateip("2001:4860:4860::8888") | fields a, b, c, d, e
@rows
{"a": true, "b": true, "c": true, "d": true, "e": false}
===
# isprivateip (extension) on an IP value and in search
@table t
{"n": 1, "ip": "10.0.0.1"}
{"n": 2, "ip": "1.1.1.1"}
@query
table t | search not(isprivateip(ip(ip))) | fields n
@rows
{"n": 2}
===
# IPv4 values sort below IPv6 values
@table t
{"n": 1}
@query
table t | eval v = array(ip("::1"), ip("255.255.255.255"), ip("0.0.0.1")) | explode v | sort v | fields v
@rows
{"v": "0.0.0.1"}
{"v": "255.255.255.255"}
{"v": "::1"}
===
# an IP value equals another IP value of the same address
@table t
{"s": "10.0.0.1"}
@query
table t | eval a = (ip(s) == ip("10.0.0.1")), b = (ip(s) == ip("10.0.0.2")) | fields a, b
@rows
{"a": true, "b": false}
===
# Haetae choice: an IP value matches a string pattern on its text
@table t
{"s": "10.0.0.1"}
@query
table t | eval a = (ip(s) == "10.*"), b = (ip(s) == "10.0.0.1") | fields a, b
@rows
{"a": true, "b": true}
