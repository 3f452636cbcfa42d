# timechart span=1m count: one row per minute bucket, _time the bucket start
@table t
{"_time": "2024-05-01T12:01:30Z"}
{"_time": "2024-05-01T12:00:50Z"}
{"_time": "2024-05-01T12:00:10Z"}
@query
table t | timechart span=1m count
@rows unordered
{"_time": "2024-05-01T12:00:00.000Z", "count": 2}
{"_time": "2024-05-01T12:01:00.000Z", "count": 1}
===
# timechart span=1h sum
@table t
{"_time": "2024-05-01T13:10:00Z", "bytes": 5}
{"_time": "2024-05-01T12:59:59Z", "bytes": 20}
{"_time": "2024-05-01T12:00:00Z", "bytes": 10}
@query
table t | timechart span=1h sum(bytes)
@rows unordered
{"_time": "2024-05-01T12:00:00.000Z", "sum(bytes)": 30}
{"_time": "2024-05-01T13:00:00.000Z", "sum(bytes)": 5}
===
# timechart span=10s
@table t
{"_time": "2024-05-01T12:00:19Z"}
{"_time": "2024-05-01T12:00:10Z"}
{"_time": "2024-05-01T12:00:09Z"}
@query
table t | timechart span=10s count
@rows unordered
{"_time": "2024-05-01T12:00:00.000Z", "count": 1}
{"_time": "2024-05-01T12:00:10.000Z", "count": 2}
===
# timechart span=1d (Haetae choice: UTC days)
@table t
{"_time": "2024-05-02T00:00:00Z"}
{"_time": "2024-05-01T23:59:59Z"}
{"_time": "2024-05-01T00:00:00Z"}
@query
table t | timechart span=1d count
@rows unordered
{"_time": "2024-05-01T00:00:00.000Z", "count": 2}
{"_time": "2024-05-02T00:00:00.000Z", "count": 1}
===
# timechart span=1mon: calendar months
@table t
{"_time": "2024-05-03T00:00:00Z"}
{"_time": "2024-04-30T23:00:00Z"}
{"_time": "2024-04-01T00:00:00Z"}
@query
table t | timechart span=1mon count
@rows unordered
{"_time": "2024-04-01T00:00:00.000Z", "count": 2}
{"_time": "2024-05-01T00:00:00.000Z", "count": 1}
===
# Haetae choice: span=1w buckets start on Monday (2024-04-29 was a Monday)
@table t
{"_time": "2024-05-05T23:00:00Z"}
{"_time": "2024-04-29T00:00:00Z"}
{"_time": "2024-04-28T23:00:00Z"}
@query
table t | timechart span=1w count
@rows unordered
{"_time": "2024-04-22T00:00:00.000Z", "count": 1}
{"_time": "2024-04-29T00:00:00.000Z", "count": 2}
===
# Haetae choice: timechart ... by F makes one field per value of F holding the aggregate
@table t
{"_time": "2024-05-01T12:01:30Z", "host": "a"}
{"_time": "2024-05-01T12:00:50Z", "host": "b"}
{"_time": "2024-05-01T12:00:10Z", "host": "a"}
{"_time": "2024-05-01T12:00:05Z", "host": "a"}
@query
table t | timechart span=1m count by host
@rows unordered
{"_time": "2024-05-01T12:00:00.000Z", "a": 2, "b": 1}
{"_time": "2024-05-01T12:01:00.000Z", "a": 1}
===
# timechart with several aggregates and as names
@table t
{"_time": "2024-05-01T12:00:50Z", "v": 4}
{"_time": "2024-05-01T12:00:10Z", "v": 2}
@query
table t | timechart span=1m count as c, avg(v) as a, max(v) as m
@rows
{"_time": "2024-05-01T12:00:00.000Z", "c": 2, "a": 3, "m": 4}
===
# timechart span=5m over one hour of fixture rows
@table t
{"_time": "2024-05-01T12:09:59Z"}
{"_time": "2024-05-01T12:05:00Z"}
{"_time": "2024-05-01T12:04:59Z"}
{"_time": "2024-05-01T12:00:00Z"}
@query
table t | timechart span=5m count
@rows unordered
{"_time": "2024-05-01T12:00:00.000Z", "count": 2}
{"_time": "2024-05-01T12:05:00.000Z", "count": 2}
===
# Haetae choice: timechart rows come oldest first
@table t
{"_time": "2024-05-01T12:02:00Z"}
{"_time": "2024-05-01T12:01:00Z"}
{"_time": "2024-05-01T12:00:00Z"}
@query
table t | timechart span=1m count
@rows
{"_time": "2024-05-01T12:00:00.000Z", "count": 1}
{"_time": "2024-05-01T12:01:00.000Z", "count": 1}
{"_time": "2024-05-01T12:02:00.000Z", "count": 1}
