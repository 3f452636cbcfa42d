# inner join (the default): only rows with a match, subquery fields added
@table l
{"k": "a", "x": 1}
{"k": "b", "x": 2}
{"k": "c", "x": 3}
@table r
{"k": "a", "y": 10}
{"k": "c", "y": 30}
{"k": "d", "y": 40}
@query
table l | join k [ table r ] | fields k, x, y
@rows unordered
{"k": "a", "x": 1, "y": 10}
{"k": "c", "x": 3, "y": 30}
===
# type=inner written out
@table l
{"k": "a", "x": 1}
{"k": "b", "x": 2}
@table r
{"k": "a", "y": 10}
@query
table l | join type=inner k [ table r ] | fields k, x, y
@rows unordered
{"k": "a", "x": 1, "y": 10}
===
# left join keeps unmatched input rows
@table l
{"k": "a", "x": 1}
{"k": "b", "x": 2}
@table r
{"k": "a", "y": 10}
{"k": "d", "y": 40}
@query
table l | join type=left k [ table r ] | fields k, x, y
@rows unordered
{"k": "a", "x": 1, "y": 10}
{"k": "b", "x": 2}
===
# leftonly keeps only input rows without a match
@table l
{"k": "a", "x": 1}
{"k": "b", "x": 2}
@table r
{"k": "a", "y": 10}
{"k": "d", "y": 40}
@query
table l | join type=leftonly k [ table r ] | fields k, x, y
@rows unordered
{"k": "b", "x": 2}
===
# right join keeps unmatched subquery rows
@table l
{"k": "a", "x": 1}
{"k": "b", "x": 2}
@table r
{"k": "a", "y": 10}
{"k": "d", "y": 40}
@query
table l | join type=right k [ table r ] | fields k, x, y
@rows unordered
{"k": "a", "x": 1, "y": 10}
{"k": "d", "y": 40}
===
# rightonly keeps only subquery rows without a match
@table l
{"k": "a", "x": 1}
{"k": "b", "x": 2}
@table r
{"k": "a", "y": 10}
{"k": "d", "y": 40}
@query
table l | join type=rightonly k [ table r ] | fields k, x, y
@rows unordered
{"k": "d", "y": 40}
===
# full join: matched pairs plus unmatched rows of both sides
@table l
{"k": "a", "x": 1}
{"k": "b", "x": 2}
@table r
{"k": "a", "y": 10}
{"k": "d", "y": 40}
@query
table l | join type=full k [ table r ] | fields k, x, y
@rows unordered
{"k": "a", "x": 1, "y": 10}
{"k": "b", "x": 2}
{"k": "d", "y": 40}
===
# cross join: every pair
@table l
{"x": 1}
{"x": 2}
@table r
{"y": 10}
{"y": 20}
{"y": 30}
@query
table l | join type=cross [ table r ] | fields x, y
@rows unordered
{"x": 1, "y": 10}
{"x": 1, "y": 20}
{"x": 1, "y": 30}
{"x": 2, "y": 10}
{"x": 2, "y": 20}
{"x": 2, "y": 30}
===
# keys are type-strict: the string "80" does not match the number 80
@table l
{"port": "80", "x": 1}
{"port": "443", "x": 2}
@table r
{"port": 80, "svc": "http"}
{"port": 443, "svc": "https"}
@query
table l | join port [ table r ] | fields x, svc
@rows
===
# type-strict keys match once both sides have the same type
@table l
{"port": "80", "x": 1}
@table r
{"port": 80, "svc": "http"}
@query
table l | join port [ table r | eval port = str(port) ] | fields x, svc
@rows
{"x": 1, "svc": "http"}
===
# key equality is exact: strings differing in case do not match
@table l
{"u": "Admin", "x": 1}
{"u": "guest", "x": 2}
@table r
{"u": "admin", "y": 10}
{"u": "guest", "y": 20}
@query
table l | join u [ table r ] | fields x, y
@rows unordered
{"x": 2, "y": 20}
===
# null never matches, not even null
@table l
{"x": 1}
{"k": "a", "x": 2}
@table r
{"y": 10}
{"k": "a", "y": 20}
@query
table l | join k [ table r ] | fields x, y
@rows unordered
{"x": 2, "y": 20}
===
# a left join keeps a null-key row unmatched
@table l
{"x": 1}
{"k": "a", "x": 2}
@table r
{"y": 10}
{"k": "a", "y": 20}
@query
table l | join type=left k [ table r ] | fields x, y
@rows unordered
{"x": 1}
{"x": 2, "y": 20}
===
# subquery fields overwrite same-named fields
@table l
{"k": "a", "v": "left", "x": 1}
@table r
{"k": "a", "v": "right"}
@query
table l | join k [ table r ] | fields k, v, x
@rows
{"k": "a", "v": "right", "x": 1}
===
# one output row per matching pair (1 x 2)
@table l
{"k": "a", "x": 1}
@table r
{"k": "a", "y": 10}
{"k": "a", "y": 20}
@query
table l | join k [ table r ] | fields x, y
@rows unordered
{"x": 1, "y": 10}
{"x": 1, "y": 20}
===
# one output row per matching pair (2 x 2)
@table l
{"k": "a", "x": 1}
{"k": "a", "x": 2}
@table r
{"k": "a", "y": 10}
{"k": "a", "y": 20}
@query
table l | join k [ table r ] | fields x, y
@rows unordered
{"x": 1, "y": 10}
{"x": 1, "y": 20}
{"x": 2, "y": 10}
{"x": 2, "y": 20}
===
# two key fields must both match
@table l
{"a": "1", "b": "x", "n": 1}
{"a": "1", "b": "y", "n": 2}
@table r
{"a": "1", "b": "x", "m": 10}
{"a": "2", "b": "y", "m": 20}
@query
table l | join a, b [ table r ] | fields n, m
@rows
{"n": 1, "m": 10}
===
# the subquery is a full pipeline
@table l
{"ip": "10.0.0.1", "n": 1}
{"ip": "10.0.0.2", "n": 2}
@table r
{"addr": "10.0.0.1", "bad": "yes"}
{"addr": "10.0.0.2", "bad": "no"}
@query
table l | join ip [ table r | search bad == "yes" | rename addr as ip | fields ip, bad ] | fields n, bad
@rows
{"n": 1, "bad": "yes"}
===
# a subquery with no rows: inner join gives nothing, left join keeps the input
@table l
{"k": "a", "x": 1}
@table r
{"k": "a", "y": 10}
@query
table l | join type=left k [ table r | search y > 100 ] | fields x, y
@rows
{"x": 1}
===
# numeric keys match numerically
@table l
{"id": 7, "x": 1}
@table r
{"id": 7, "y": 10}
@query
table l | join id [ table r ] | fields x, y
@rows
{"x": 1, "y": 10}
===
# the subquery's own _time does not matter for matching; its fields overwrite, so stats after join counts pairs
@table l
{"k": "a"}
{"k": "b"}
{"k": "a"}
@table r
{"k": "a", "tag": "t1"}
{"k": "a", "tag": "t2"}
{"k": "b", "tag": "t3"}
@query
table l | join k [ table r ] | stats count by k
@rows unordered
{"k": "a", "count": 4}
{"k": "b", "count": 1}
===
# join keys are case-sensitive in a leftonly too
@table l
{"u": "Admin", "x": 1}
@table r
{"u": "admin"}
@query
table l | join type=leftonly u [ table r ] | fields x
@rows
{"x": 1}
