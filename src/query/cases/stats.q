# stats count: one row, field named count
@table t
{"n": 1}
{"n": 2}
{"n": 3}
@query
table t | stats count
@rows
{"count": 3}
===
# stats count by a field
@table t
{"host": "a"}
{"host": "b"}
{"host": "a"}
@query
table t | stats count by host
@rows unordered
{"host": "a", "count": 2}
{"host": "b", "count": 1}
===
# null keys form their own group
@table t
{"host": "a"}
{"n": 1}
{"host": "a"}
{"n": 2}
@query
table t | stats count by host
@rows unordered
{"host": "a", "count": 2}
{"count": 2}
===
# count(e) counts non-null values; default name is the call text
@table t
{"bytes": 10}
{"n": 1}
{"bytes": 30}
@query
table t | stats count(bytes)
@rows
{"count(bytes)": 2}
===
# sum: default name sum(bytes)
@table t
{"bytes": 10}
{"bytes": 20}
{"bytes": 30}
@query
table t | stats sum(bytes)
@rows
{"sum(bytes)": 60}
===
# as names an aggregate
@table t
{"bytes": 10}
{"bytes": 20}
@query
table t | stats count as n, sum(bytes) as total
@rows
{"n": 2, "total": 30}
===
# several aggregates by a field
@table t
{"host": "a", "bytes": 10}
{"host": "b", "bytes": 5}
{"host": "a", "bytes": 30}
@query
table t | stats count, sum(bytes) as total, avg(bytes) as mean by host
@rows unordered
{"host": "a", "count": 2, "total": 40, "mean": 20}
{"host": "b", "count": 1, "total": 5, "mean": 5}
===
# group by two fields
@table t
{"host": "a", "user": "x"}
{"host": "a", "user": "y"}
{"host": "a", "user": "x"}
{"host": "b", "user": "x"}
@query
table t | stats count by host, user
@rows unordered
{"host": "a", "user": "x", "count": 2}
{"host": "a", "user": "y", "count": 1}
{"host": "b", "user": "x", "count": 1}
===
# avg
@table t
{"v": 1}
{"v": 2}
{"v": 4}
{"v": 5}
@query
table t | stats avg(v)
@rows
{"avg(v)": 3}
===
# min and max of numbers
@table t
{"v": 7}
{"v": -2}
{"v": 11}
@query
table t | stats min(v), max(v)
@rows
{"min(v)": -2, "max(v)": 11}
===
# min and max of strings follow the case-insensitive string order
@table t
{"s": "beta"}
{"s": "Alpha"}
{"s": "gamma"}
@query
table t | stats min(s) as lo, max(s) as hi
@rows
{"lo": "Alpha", "hi": "gamma"}
===
# first and last follow the input order (newest first)
@table t
{"v": "newest"}
{"v": "middle"}
{"v": "oldest"}
@query
table t | stats first(v) as f, last(v) as l
@rows
{"f": "newest", "l": "oldest"}
===
# first and last after order=asc
@table t
{"v": "newest"}
{"v": "middle"}
{"v": "oldest"}
@query
table order=asc t | stats first(v) as f, last(v) as l
@rows
{"f": "oldest", "l": "newest"}
===
# dc counts distinct values (nulls not counted)
@table t
{"u": "a"}
{"u": "b"}
{"u": "a"}
{"n": 1}
{"u": "c"}
@query
table t | stats dc(u)
@rows
{"dc(u)": 3}
===
# values: the distinct values (Haetae choice for the order: the language's sort order)
@table t
{"u": "b"}
{"u": "a"}
{"u": "b"}
{"u": "c"}
@query
table t | stats values(u) as vs
@rows
{"vs": ["a", "b", "c"]}
===
# array: every non-null value in input order, repeats kept
@table t
{"u": "b"}
{"u": "a"}
{"n": 1}
{"u": "b"}
@query
table t | stats array(u) as us
@rows
{"us": ["b", "a", "b"]}
===
# values and array keep at most 100 items
@table t
{"n": 1}
@query
table t | eval v = split("0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79,80,81,82,83,84,85,86,87,88,89,90,91,92,93,94,95,96,97,98,99,100,101,102,103,104,105,106,107,108,109,110,111,112,113,114,115,116,117,118,119", ",") | explode v | stats count, values(v) as vs, array(v) as ar, dc(v) as d | eval a = len(vs), b = len(ar) | fields count, a, b, d
@rows
{"count": 120, "a": 100, "b": 100, "d": 120}
===
# median of an odd count is the middle value
@table t
{"v": 5}
{"v": 1}
{"v": 9}
{"v": 3}
{"v": 7}
@query
table t | stats median(v)
@rows
{"median(v)": 5}
===
# median of an even count: Haetae choice, the mean of the two middle values
@table t
{"v": 4}
{"v": 1}
{"v": 3}
{"v": 2}
@query
table t | stats median(v)
@rows
{"median(v)": 2.5}
===
# percentile: Haetae choice, linear interpolation between closest ranks
@table t
{"v": 10}
{"v": 20}
{"v": 30}
{"v": 40}
{"v": 50}
@query
table t | stats percentile(v, 0) as p0, percentile(v, 25) as p25, percentile(v, 50) as p50, percentile(v, 90) as p90, percentile(v, 100) as p100
@rows
{"p0": 10, "p25": 20, "p50": 30, "p90": 46, "p100": 50}
===
# var and stddev: Haetae choice, the sample variance (n - 1)
@table t
{"v": 1}
{"v": 2}
{"v": 3}
{"v": 4}
{"v": 5}
@query
table t | stats var(v), stddev(v)
@rows
{"var(v)": 2.5, "stddev(v)": 1.5811388300841898}
===
# aggregates skip null values
@table t
{"v": 10}
{"n": 1}
{"v": 20}
@query
table t | stats sum(v) as s, avg(v) as a, min(v) as lo, max(v) as hi, count(v) as c, count as all
@rows
{"s": 30, "a": 15, "lo": 10, "hi": 20, "c": 2, "all": 3}
===
# Haetae choice: numeric aggregates read numeric strings (as parsekv produces)
@table t
{"line": "bytes=100"}
{"line": "bytes=250"}
@query
table t | parsekv | stats sum(bytes) as s, avg(bytes) as a
@rows
{"s": 350, "a": 175}
===
# Haetae choice: stats count over no rows gives one row with 0
@table t
{"n": 1}
@query
table t | search n > 5 | stats count
@rows
{"count": 0}
===
# stats by over no rows gives no rows
@table t
{"n": 1}
@query
table t | search n > 5 | stats count by n
@rows
===
# stats then sort -count
@table t
{"host": "a"}
{"host": "b"}
{"host": "b"}
{"host": "c"}
{"host": "b"}
{"host": "a"}
@query
table t | stats count by host | sort -count
@rows
{"host": "b", "count": 3}
{"host": "a", "count": 2}
{"host": "c", "count": 1}
===
# group keys are type-strict: "80" and 80 are different groups
@table t
{"line": "port=80"}
@query
table t | parsekv overlay=t | eval p2 = 80, k = array(port, p2) | explode k | stats count by k
@rows unordered
{"k": "80", "count": 1}
{"k": 80, "count": 1}
===
# group keys of strings are case-sensitive
@table t
{"u": "Admin"}
{"u": "admin"}
{"u": "admin"}
@query
table t | stats count by u
@rows unordered
{"u": "Admin", "count": 1}
{"u": "admin", "count": 2}
===
# an aggregate over an expression
@table t
{"a": 1, "b": 2}
{"a": 3, "b": 4}
@query
table t | stats sum(a * b) as s
@rows
{"s": 14}
===
# the output has only the group fields and the aggregates
@table t
{"host": "a", "other": "x"}
@query
table t | stats count by host | eval o = isnull(other), t = isnull(_time) | fields host, count, o, t
@rows
{"host": "a", "count": 1, "o": true, "t": true}
===
# max of mixed numbers and strings: strings sort after numbers
@table t
{"line": "v=5"}
@query
table t | parsekv overlay=t | eval w = array(v, 100, 7) | explode w | stats max(w) as hi, min(w) as lo
@rows
{"hi": "5", "lo": 7}
===
# max of strings is case-insensitive ("b" above "A" and below "C")
@table t
{"s": "b"}
{"s": "A"}
{"s": "C"}
@query
table t | stats min(s) as lo, max(s) as hi
@rows
{"lo": "A", "hi": "C"}
===
# dc counts strings that differ only in case as distinct values
@table t
{"s": "a"}
{"s": "A"}
{"s": "a"}
@query
table t | stats dc(s) as d
@rows
{"d": 2}
===
# the empty string is its own group, apart from null
@table t
{"h": ""}
{"n": 1}
{"h": ""}
{"h": "x"}
@query
table t | stats count by h
@rows unordered
{"h": "", "count": 2}
{"count": 1}
{"h": "x", "count": 1}
===
# a field with numbers in some rows and strings in others groups type-strictly
@table t
{"v": 5}
{"v": "5"}
{"v": 5}
@query
table t | stats count by v
@rows unordered
{"v": 5, "count": 2}
{"v": "5", "count": 1}
===
# sum of a field holding numbers and numeric strings
@table t
{"v": 5}
{"v": "7"}
{"v": 1.5}
@query
table t | stats sum(v) as s
@rows
{"s": 13.5}
===
# stats by without aggregates lists the distinct groups
@table t
{"host": "a"}
{"host": "b"}
{"host": "a"}
@query
table t | stats by host
@rows unordered
{"host": "a"}
{"host": "b"}
