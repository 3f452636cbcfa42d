# type order for sort: null < bool < number < date < ipv4 < ipv6 < string < array < map
@table t
{"j": "{\"m\": {\"k\": 1}}"}
@query
table t | parsejson field=j overlay=t | eval v = array("b", m, array(1), ip("::1"), ip("10.0.0.1"), date("2024-01-01", "yyyy-MM-dd"), 7, true, null) | explode v | sort v | fields v
@rows
{}
{"v": true}
{"v": 7}
{"v": "2024-01-01T00:00:00.000Z"}
{"v": "10.0.0.1"}
{"v": "::1"}
{"v": "b"}
{"v": [1]}
{"v": {"k": 1}}
===
# descending type order puts null last
@table t
{"n": 1}
@query
table t | eval v = array("s", 3, null, false, ip("10.0.0.1")) | explode v | sort -v | fields v
@rows
{"v": "s"}
{"v": "10.0.0.1"}
{"v": 3}
{"v": false}
{}
===
# < across types follows the type order
@table t
{"n": 1}
@query
table t | eval a = true < 0, b = 5 < now(), c = now() < ip("1.1.1.1"), d = ip("255.255.255.255") < ip("::1"), e = ip("::1") < "0", f = "zzz" < array(1) | fields a, b, c, d, e, f
@rows
{"a": true, "b": true, "c": true, "d": true, "e": true, "f": true}
===
# > across types is the reverse
@table t
{"n": 1}
@query
table t | eval a = 0 > true, b = "0" > 99999, c = array(1) > "zzz", d = ip("::1") > ip("255.255.255.255") | fields a, b, c, d
@rows
{"a": true, "b": true, "c": true, "d": true}
===
# an array is below a map
@table t
{"j": "{\"m\": {\"k\": 1}}"}
@query
table t | parsejson field=j overlay=t | eval a = array(1, 2) < m, b = m > "zzz" | fields a, b
@rows
{"a": true, "b": true}
===
# false < true
@table t
{"n": 1}
@query
table t | eval a = false < true, b = true > false, c = true <= true | fields a, b, c
@rows
{"a": true, "b": true, "c": true}
===
# no string/number coercion: "10" > 5 is true because strings sort after numbers
@table t
{"n": 1}
@query
table t | eval a = "10" > 5, b = "10" < 5, c = "1" > 1000000, d = 5 < "10" | fields a, b, c, d
@rows
{"a": true, "b": false, "c": true, "d": true}
===
# two strings compare as strings, not numbers: "10" < "9"
@table t
{"n": 1}
@query
table t | eval a = "10" > "9", b = "10" < "9", c = 10 > 9 | fields a, b, c
@rows
{"a": false, "b": true, "c": true}
===
# two strings compare case-insensitively
@table t
{"n": 1}
@query
table t | eval a = "abc" < "ABD", b = "B" > "a", c = "abc" >= "ABC", d = "abc" <= "ABC", e = "abc" < "ABC" | fields a, b, c, d, e
@rows
{"a": true, "b": true, "c": true, "d": true, "e": false}
===
# a prefix sorts before the longer string
@table t
{"n": 1}
@query
table t | eval a = "a" < "ab", b = "" < "a" | fields a, b
@rows
{"a": true, "b": true}
===
# comparisons with a null operand give null
@table t
{"n": 1}
@query
table t | eval a = isnull(missing < 1), b = isnull(1 < missing), c = isnull(null >= null), d = isnull(n <= missing) | fields a, b, c, d
@rows
{"a": true, "b": true, "c": true, "d": true}
===
# numbers compare numerically, integers and doubles alike
@table t
{"n": 1}
@query
table t | eval a = 1 < 2.5, b = -1 < 0, c = 2.0 >= 2, d = 3 > 2.999, e = 10 <= 9 | fields a, b, c, d, e
@rows
{"a": true, "b": true, "c": true, "d": true, "e": false}
===
# dates compare by instant
@table t
{"d": {"$date": "2024-03-01T00:00:00Z"}}
@query
table t | eval a = d > date("2024-02-01", "yyyy-MM-dd"), b = d < date("2024-02-01", "yyyy-MM-dd"), c = d >= date("2024-03-01", "yyyy-MM-dd") | fields a, b, c
@rows
{"a": true, "b": false, "c": true}
===
# IPv4 addresses compare by their bytes, not as text
@table t
{"n": 1}
@query
table t | eval a = ip("10.0.0.10") > ip("10.0.0.9"), b = ip("9.0.0.0") < ip("10.0.0.0") | fields a, b
@rows
{"a": true, "b": true}
===
# search with a comparison on _time
@table t
{"n": 1}
{"n": 2}
{"n": 3}
@query
table t | search _time >= date("2024-05-01 11:59:59", "yyyy-MM-dd HH:mm:ss") | fields n
@rows
{"n": 1}
{"n": 2}
===
# sort on strings is case-insensitive
@table t
{"s": "b"}
{"s": "A"}
{"s": "c"}
{"s": "B2"}
@query
table t | sort s | fields s
@rows
{"s": "A"}
{"s": "b"}
{"s": "B2"}
{"s": "c"}
===
# numbers held as strings sort as strings
@table t
{"s": "10"}
{"s": "9"}
{"s": "100"}
@query
table t | sort s | fields s
@rows
{"s": "10"}
{"s": "100"}
{"s": "9"}
===
# numbers sort numerically
@table t
{"n": 10}
{"n": 9}
{"n": 100}
{"n": -1.5}
@query
table t | sort n | fields n
@rows
{"n": -1.5}
{"n": 9}
{"n": 10}
{"n": 100}
===
# comparison results in search: a string field compared with a number is always greater
@table t
{"n": 1, "s": "5"}
{"n": 2, "s": "abc"}
@query
table t | search s > 1000 | fields n
@rows
{"n": 1}
{"n": 2}
===
# string comparison in search is case-insensitive
@table t
{"n": 1, "s": "C"}
{"n": 2, "s": "a"}
{"n": 3, "s": "B"}
@query
table t | search s > "b" | fields n
@rows
{"n": 1}
===
# string comparison with >= is true for strings equal but for case
@table t
{"n": 1, "s": "ADMIN"}
{"n": 2, "s": "adm"}
@query
table t | search s >= "admin" | fields n
@rows
{"n": 1}
===
# a field holding strings in some rows and numbers in others: each row compares by its own type
@table t
{"n": 1, "v": 5}
{"n": 2, "v": "5"}
{"n": 3, "v": 50}
@query
table t | search v > 10 | fields n
@rows
{"n": 2}
{"n": 3}
===
# == with a number literal is type-strict: the string "5" is not 5
@table t
{"n": 1, "v": 5}
{"n": 2, "v": "5"}
@query
table t | search v == 5 | fields n
@rows
{"n": 1}
