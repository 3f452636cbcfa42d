# explode: one row per list element, other fields copied
@table t
{"n": 1, "s": "a,b,c"}
@query
table t | eval v = split(s, ",") | explode v | fields n, v
@rows
{"n": 1, "v": "a"}
{"n": 1, "v": "b"}
{"n": 1, "v": "c"}
===
# an empty list gives no rows
@table t
{"n": 1, "s": ""}
{"n": 2, "s": "x"}
@query
table t | eval v = split(s, ",") | explode v | fields n, v
@rows
{"n": 2, "v": "x"}
===
# explode over several rows keeps the row order
@table t
{"n": 1}
{"n": 2}
@query
table t | eval v = array(n, n * 10) | explode v | fields n, v
@rows
{"n": 1, "v": 1}
{"n": 1, "v": 10}
{"n": 2, "v": 2}
{"n": 2, "v": 20}
===
# elements keep their types
@table t
{"n": 1}
@query
table t | eval v = array(1, "x", true, 2.5) | explode v | fields v
@rows
{"v": 1}
{"v": "x"}
{"v": true}
{"v": 2.5}
===
# a null element gives a row with the field null
@table t
{"n": 1}
@query
table t | eval v = array("a", null) | explode v | fields n, v
@rows
{"n": 1, "v": "a"}
{"n": 1}
===
# explode then stats counts elements
@table t
{"s": "a b a"}
{"s": "b"}
@query
table t | eval w = split(s, " ") | explode w | stats count by w
@rows unordered
{"w": "a", "count": 2}
{"w": "b", "count": 2}
===
# a list from stats array can be exploded again
@table t
{"u": "x"}
{"u": "y"}
@query
table t | stats array(u) as us | explode us | fields us
@rows
{"us": "x"}
{"us": "y"}
===
# Haetae choice (spec silent): a field that is not a list passes unchanged
@table t
{"n": 1, "v": "scalar"}
@query
table t | explode v | fields n, v
@rows
{"n": 1, "v": "scalar"}
===
# Haetae choice (spec silent): a null field passes unchanged
@table t
{"n": 1}
@query
table t | explode v | fields n
@rows
{"n": 1}
===
# explode a list parsed from JSON
@table t
{"line": "{\"tags\": [\"a\", \"b\"]}", "n": 5}
@query
table t | parsejson overlay=t | explode tags | fields n, tags
@rows
{"n": 5, "tags": "a"}
{"n": 5, "tags": "b"}
