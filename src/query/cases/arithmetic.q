# + - * on integers
@table t
{"n": 1}
@query
table t | eval a = 1 + 2, b = 5 - 8, c = 6 * 7 | fields a, b, c
@rows
{"a": 3, "b": -3, "c": 42}
===
# / gives a double
@table t
{"n": 1}
@query
table t | eval a = 7 / 2, b = 10 / 4, c = 6 / 3, d = 1 / 8 | fields a, b, c, d
@rows
{"a": 3.5, "b": 2.5, "c": 2, "d": 0.125}
===
# division by zero gives null
@table t
{"n": 1}
@query
table t | eval a = 1 / 0, b = 0 / 0, c = isnull(5 / 0), d = 2.5 / 0 | fields a, b, c, d
@rows
{"c": true}
===
# a null operand gives null
@table t
{"n": 1}
@query
table t | eval a = null + 1, b = missing * 2, c = 3 - missing, d = isnull(missing / 1), e = isnull(-missing) | fields a, b, c, d, e
@rows
{"d": true, "e": true}
===
# numeric strings are parsed
@table t
{"s": "10", "f": "1.5"}
@query
table t | eval a = s + 5, b = f * 2, c = "2" + "3", d = s / "4", e = s - 1 | fields a, b, c, d, e
@rows
{"a": 15, "b": 3, "c": 5, "d": 2.5, "e": 9}
===
# other strings count as 0
@table t
{"s": "abc"}
@query
table t | eval a = s + 5, b = "x" * 3, c = 10 - "n/a", d = "abc" + "def" | fields a, b, c, d
@rows
{"a": 5, "b": 0, "c": 10, "d": 0}
===
# + never concatenates strings
@table t
{"a": "foo", "b": "bar"}
@query
table t | eval c = a + b, d = concat(a, b) | fields c, d
@rows
{"c": 0, "d": "foobar"}
===
# dividing by a non-numeric string divides by 0: null
@table t
{"n": 1}
@query
table t | eval a = isnull(5 / "abc"), b = isnull(5 / "0"), c = "abc" / 5 | fields a, b, c
@rows
{"a": true, "b": true, "c": 0}
===
# precedence: * and / before + and -
@table t
{"n": 1}
@query
table t | eval a = 2 + 3 * 4, b = (2 + 3) * 4, c = 10 - 6 / 2, d = 2 * 3 + 4 * 5 | fields a, b, c, d
@rows
{"a": 14, "b": 20, "c": 7, "d": 26}
===
# - and / are left-associative
@table t
{"n": 1}
@query
table t | eval a = 10 - 2 - 3, b = 8 / 2 / 2, c = 2 * 3 / 4 | fields a, b, c
@rows
{"a": 5, "b": 2, "c": 1.5}
===
# unary minus binds tightest
@table t
{"n": 4}
@query
table t | eval a = -n, b = 2 * -3, c = -n * 2, d = - -n, e = -2 + 5 | fields a, b, c, d, e
@rows
{"a": -4, "b": -6, "c": -8, "d": 4, "e": 3}
===
# comparisons bind looser than arithmetic
@table t
{"n": 4}
@query
table t | eval a = n + 1 > 4, b = n * 2 == 8, c = n - 5 < 0 | fields a, b, c
@rows
{"a": true, "b": true, "c": true}
===
# doubles
@table t
{"n": 1}
@query
table t | eval a = 1.5 + 1.25, b = 0.5 * 4, c = 3.75 - 0.25 | fields a, b, c
@rows
{"a": 2.75, "b": 2, "c": 3.5}
===
# arithmetic on fields
@table t
{"a": 10, "b": 4}
{"a": 3, "b": 0}
@query
table t | eval s = a + b, q = a / b | fields s, q
@rows
{"s": 14, "q": 2.5}
{"s": 3}
===
# mod() instead of %: remainder
@table t
{"n": 1}
@query
table t | eval a = mod(7, 3), b = mod(9, 3), c = mod(10, 4) | fields a, b, c
@rows
{"a": 1, "b": 0, "c": 2}
===
# mod: Haetae choice (Java's %): the sign follows the dividend; mod by 0 is null
@table t
{"n": 1}
@query
table t | eval a = mod(-7, 3), b = isnull(mod(5, 0)), c = mod(7, -3) | fields a, b, c
@rows
{"a": -1, "b": true, "c": 1}
===
# a numeric string produced by parsekv takes part in arithmetic
@table t
{"line": "bytes=1200 packets=3"}
@query
table t | parsekv | eval per = bytes / packets, more = bytes + 1 | fields per, more
@rows
{"per": 400, "more": 1201}
===
# arithmetic in search
@table t
{"a": 2, "b": 3}
{"a": 5, "b": 1}
@query
table t | search a * b == 6 | fields a
@rows
{"a": 2}
===
# precedence: comparisons bind tighter than == and !=
@table t
{"n": 1}
@query
table t | eval a = 1 < 2 == true, b = 2 < 1 != false, c = 1 + 1 == 2 | fields a, b, c
@rows
{"a": true, "b": false, "c": true}
