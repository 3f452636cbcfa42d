# if(c, a, b)
@table t
{"n": 1}
{"n": 5}
@query
table t | eval size = if(n > 2, "big", "small") | fields n, size
@rows
{"n": 1, "size": "small"}
{"n": 5, "size": "big"}
===
# if with a null condition takes the else branch
@table t
{"n": 1}
@query
table t | eval a = if(missing > 2, "yes", "no") | fields a
@rows
{"a": "no"}
===
# Haetae choice: if reads a non-null non-boolean condition as true (as search does)
@table t
{"s": "x"}
@query
table t | eval a = if(s, 1, 2), b = if(missing, 1, 2) | fields a, b
@rows
{"a": 1, "b": 2}
===
# case(c1, v1, c2, v2, default)
@table t
{"n": 1}
{"n": 2}
{"n": 3}
@query
table t | eval w = case(n == 1, "one", n == 2, "two", "many") | fields w
@rows
{"w": "one"}
{"w": "two"}
{"w": "many"}
===
# case without a default gives null when nothing matches
@table t
{"n": 3}
@query
table t | eval w = case(n == 1, "one", n == 2, "two"), x = isnull(w) | fields x
@rows
{"x": true}
===
# case takes the first true condition
@table t
{"n": 5}
@query
table t | eval w = case(n > 1, "a", n > 2, "b", "c") | fields w
@rows
{"w": "a"}
===
# isnull and isnotnull
@table t
{"s": "x"}
@query
table t | eval a = isnull(s), b = isnotnull(s), c = isnull(missing), d = isnotnull(missing), e = isnull("") | fields a, b, c, d, e
@rows
{"a": false, "b": true, "c": true, "d": false, "e": false}
===
# nvl
@table t
{"s": "x"}
@query
table t | eval a = nvl(s, "d"), b = nvl(missing, "d"), c = nvl(missing, missing2) | fields a, b, c
@rows
{"a": "x", "b": "d"}
===
# in(x, v1, ...) with exact values
@table t
{"s": "b", "n": 2}
@query
table t | eval a = in(s, "a", "b"), b = in(s, "x", "y"), c = in(n, 1, 2, 3), d = in(n, 4) | fields a, b, c, d
@rows
{"a": true, "b": false, "c": true, "d": false}
===
# in follows ==: exact strings are case-sensitive
@table t
{"s": "Admin"}
@query
table t | eval a = in(s, "admin"), b = in(s, "Admin") | fields a, b
@rows
{"a": false, "b": true}
===
# in follows ==: prefix, suffix and contains patterns are case-sensitive
@table t
{"s": "powershell.exe"}
@query
table t | eval a = in(s, "power*"), b = in(s, "POWER*"), c = in(s, "*.exe"), d = in(s, "*shell*"), e = in(s, "*SHELL*") | fields a, b, c, d, e
@rows
{"a": true, "b": false, "c": true, "d": true, "e": false}
===
# in follows ==: other patterns are anchored and case-insensitive
@table t
{"s": "PowerShell.exe"}
@query
table t | eval a = in(s, "p*l.EXE"), b = in(s, "x*", "p*s*.exe"), c = in(s, "p*l") | fields a, b, c
@rows
{"a": true, "b": true, "c": false}
===
# in with a null x is false
@table t
{"n": 1}
@query
table t | eval a = in(missing, "x", "y") | fields a
@rows
{"a": false}
===
# in used in search
@table t
{"n": 1, "img": "C:\\Windows\\System32\\cmd.exe"}
{"n": 2, "img": "C:\\Tools\\notepad.exe"}
{"n": 3, "img": "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"}
@query
table t | search in(img, "*\\cmd.exe", "*\\powershell.exe") | fields n
@rows
{"n": 1}
{"n": 3}
===
# not(x)
@table t
{"n": 1}
@query
table t | eval a = not(true), b = not(false), c = not(n == 1), d = not(n > 5) | fields a, b, c, d
@rows
{"a": false, "b": true, "c": false, "d": true}
===
# nested conditionals
@table t
{"n": 7}
@query
table t | eval a = if(isnull(missing), if(n > 5, "x", "y"), "z") | fields a
@rows
{"a": "x"}
