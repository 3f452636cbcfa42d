# == with a string literal without *: exact and case-sensitive
@table t
{"n": 1, "s": "abc"}
{"n": 2, "s": "ABC"}
{"n": 3, "s": "abcd"}
@query
table t | search s == "abc" | fields n
@rows
{"n": 1}
===
# "x*" is a case-sensitive starts-with
@table t
{"n": 1, "s": "abc"}
{"n": 2, "s": "ABC"}
{"n": 3, "s": "xab"}
{"n": 4, "s": "ab"}
@query
table t | search s == "ab*" | fields n
@rows
{"n": 1}
{"n": 4}
===
# "*x" is a case-sensitive ends-with
@table t
{"n": 1, "s": "abc"}
{"n": 2, "s": "ABC"}
{"n": 3, "s": "bca"}
@query
table t | search s == "*bc" | fields n
@rows
{"n": 1}
===
# "*x*" is a case-sensitive contains
@table t
{"n": 1, "s": "xxabcxx"}
{"n": 2, "s": "XXABCXX"}
{"n": 3, "s": "abc"}
{"n": 4, "s": "ab c"}
@query
table t | search s == "*abc*" | fields n
@rows
{"n": 1}
{"n": 3}
===
# "*Process Create*" matches across lines (CRLF-joined message) and is case-sensitive
@table t
{"n": 1, "line": "Process Create:\r\nRuleName: -\r\nImage: C:\\Windows\\cmd.exe"}
{"n": 2, "line": "process create:\r\nRuleName: -"}
{"n": 3, "line": "Network connection detected:\r\nProtocol: tcp"}
{"n": 4, "line": "RuleName: -\r\nNote: Process Create here"}
@query
table t | search line == "*Process Create*" | fields n
@rows
{"n": 1}
{"n": 4}
===
# any other * pattern is anchored and case-insensitive
@table t
{"n": 1, "s": "abc"}
{"n": 2, "s": "ABC"}
{"n": 3, "s": "aXYZc"}
{"n": 4, "s": "abcd"}
{"n": 5, "s": "xabc"}
@query
table t | search s == "a*c" | fields n
@rows
{"n": 1}
{"n": 2}
{"n": 3}
===
# a general pattern with a leading * is still anchored at the end and case-insensitive
@table t
{"n": 1, "s": "C:\\Windows\\System32\\CMD.EXE"}
{"n": 2, "s": "c:\\tools\\cmd.exe"}
{"n": 3, "s": "c:\\tools\\cmd.exe.bak"}
@query
table t | search s == "*\\*cmd.exe" | fields n
@rows
{"n": 1}
{"n": 2}
===
# three stars (*a*c*) is a general pattern: case-insensitive
@table t
{"n": 1, "s": "xAyCz"}
{"n": 2, "s": "xaycz"}
{"n": 3, "s": "xcya"}
@query
table t | search s == "*a*c*" | fields n
@rows
{"n": 1}
{"n": 2}
===
# a pattern with * in the middle and at the start only (a*b*) is general: anchored, case-insensitive
@table t
{"n": 1, "s": "AxxBxx"}
{"n": 2, "s": "xAB"}
@query
table t | search s == "a*b*" | fields n
@rows
{"n": 1}
===
# != with a pattern is the negation of the match
@table t
{"n": 1, "s": "abc"}
{"n": 2, "s": "xyz"}
{"n": 3, "s": "ABC"}
@query
table t | search s != "ab*" | fields n
@rows
{"n": 2}
{"n": 3}
===
# != is false when the left side is null
@table t
{"n": 1, "s": "abc"}
{"n": 2}
{"n": 3, "s": "xyz"}
@query
table t | search s != "abc" | fields n
@rows
{"n": 3}
===
# == is false when the left side is null, even for "*"
@table t
{"n": 1, "s": "abc"}
{"n": 2}
@query
table t | search s == "*" | fields n
@rows
{"n": 1}
===
# == and != on a null left side are false (not null) in eval
@table t
{"n": 1}
@query
table t | eval a = (missing == "x"), b = (missing != "x"), c = isnull(missing != "x") | fields a, b, c
@rows
{"a": false, "b": false, "c": false}
===
# == between numbers compares numerically
@table t
{"n": 1}
{"n": 2}
@query
table t | eval a = (n == 1), b = (n == 1.0), c = (n != 2) | fields n, a, b, c
@rows
{"n": 1, "a": true, "b": true, "c": true}
{"n": 2, "a": false, "b": false, "c": false}
===
# exact match is case-sensitive in eval too
@table t
{"s": "Admin"}
@query
table t | eval a = (s == "Admin"), b = (s == "admin"), c = (s != "admin") | fields a, b, c
@rows
{"a": true, "b": false, "c": true}
===
# Haetae choice (spec silent): a number on the left of a string literal is matched as its text
@table t
{"event_id": 4624}
{"event_id": 4625}
@query
table t | search event_id == "4624" | fields event_id
@rows
{"event_id": 4624}
===
# Haetae choice (spec silent, as araqne-logdb): a * held in a field on the right is not a wildcard
@table t
{"a": "abc", "b": "a*"}
{"a": "a*", "b": "a*"}
@query
table t | eval m = (a == b) | fields a, m
@rows
{"a": "abc", "m": false}
{"a": "a*", "m": true}
===
# an empty-string literal matches only the empty string
@table t
{"n": 1, "s": ""}
{"n": 2, "s": "x"}
@query
table t | search s == "" | fields n
@rows
{"n": 1}
===
# a pattern's special regex characters are literal
@table t
{"n": 1, "s": "a.b(c)"}
{"n": 2, "s": "aXb(c)"}
@query
table t | search s == "a.b(*" | fields n
@rows
{"n": 1}
===
# a general pattern with ? characters: ? is literal, only * is a wildcard
@table t
{"n": 1, "s": "what?x"}
{"n": 2, "s": "whatyx"}
@query
table t | search s == "w*?X" | fields n
@rows
{"n": 1}
===
# % in a contains pattern is a literal character
@table t
{"n": 1, "s": "50% off"}
{"n": 2, "s": "500 off"}
@query
table t | search s == "*50%*" | fields n
@rows
{"n": 1}
===
# _ in a prefix pattern is a literal character
@table t
{"n": 1, "s": "a_cx"}
{"n": 2, "s": "abcx"}
@query
table t | search s == "a_c*" | fields n
@rows
{"n": 1}
===
# _ and % in a general pattern are literal characters
@table t
{"n": 1, "s": "A_B%C"}
{"n": 2, "s": "AxByC"}
@query
table t | search s == "a_*%c" | fields n
@rows
{"n": 1}
===
# a backslash at the end of a suffix pattern is literal
@table t
{"n": 1, "s": "C:\\dir\\"}
{"n": 2, "s": "C:\\dir"}
@query
table t | search s == "*\\" | fields n
@rows
{"n": 1}
===
# an exact match with a backslash
@table t
{"n": 1, "s": "CORP\\bob"}
{"n": 2, "s": "CORP\\Bob"}
@query
table t | search s == "CORP\\bob" | fields n
@rows
{"n": 1}
