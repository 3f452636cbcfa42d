# limit N keeps the first N rows
@table t
{"n": 1}
{"n": 2}
{"n": 3}
{"n": 4}
@query
table t | limit 2 | fields n
@rows
{"n": 1}
{"n": 2}
===
# limit OFFSET N skips OFFSET rows first
@table t
{"n": 1}
{"n": 2}
{"n": 3}
{"n": 4}
@query
table t | limit 1 2 | fields n
@rows
{"n": 2}
{"n": 3}
===
# limit larger than the input keeps everything
@table t
{"n": 1}
{"n": 2}
@query
table t | limit 10 | fields n
@rows
{"n": 1}
{"n": 2}
===
# an offset past the end gives no rows
@table t
{"n": 1}
{"n": 2}
@query
table t | limit 5 1 | fields n
@rows
===
# limit after sort takes the top rows
@table t
{"n": 3}
{"n": 9}
{"n": 1}
{"n": 7}
@query
table t | sort -n | limit 2 | fields n
@rows
{"n": 9}
{"n": 7}
===
# limit after search
@table t
{"n": 1}
{"n": 2}
{"n": 3}
{"n": 4}
{"n": 5}
@query
table t | search n > 1 | limit 1 2 | fields n
@rows
{"n": 3}
{"n": 4}
===
# limit with offset 0
@table t
{"n": 1}
{"n": 2}
@query
table t | limit 0 1 | fields n
@rows
{"n": 1}
===
# limit then stats
@table t
{"n": 1}
{"n": 2}
{"n": 3}
@query
table t | limit 2 | stats sum(n) as s
@rows
{"s": 3}
