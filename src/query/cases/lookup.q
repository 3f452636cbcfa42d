# lookup T F output O: the row's F matched against column F of table T
@table ev
{"ip": "10.0.0.1", "n": 1}
{"ip": "10.0.0.2", "n": 2}
@table owners
{"ip": "10.0.0.1", "owner": "alice"}
{"ip": "10.0.0.2", "owner": "bob"}
@query
table ev | lookup owners ip output owner | fields n, owner
@rows
{"n": 1, "owner": "alice"}
{"n": 2, "owner": "bob"}
===
# Haetae choice (spec silent): no match leaves the output null; the row is kept
@table ev
{"ip": "10.0.0.1", "n": 1}
{"ip": "10.0.0.9", "n": 2}
@table owners
{"ip": "10.0.0.1", "owner": "alice"}
@query
table ev | lookup owners ip output owner | fields n, owner
@rows
{"n": 1, "owner": "alice"}
{"n": 2}
===
# output F as A renames the output field
@table ev
{"ip": "10.0.0.1"}
@table owners
{"ip": "10.0.0.1", "owner": "alice"}
@query
table ev | lookup owners ip output owner as who | fields who, owner
@rows
{"who": "alice"}
===
# several outputs
@table ev
{"ip": "10.0.0.1"}
@table owners
{"ip": "10.0.0.1", "owner": "alice", "dept": "it"}
@query
table ev | lookup owners ip output owner, dept as d | fields owner, d
@rows
{"owner": "alice", "d": "it"}
===
# Haetae choice (the AST's form): lookup T F as K matches the row's F against column K
@table ev
{"src": "10.0.0.1"}
@table owners
{"ip": "10.0.0.1", "owner": "alice"}
@query
table ev | lookup owners src as ip output owner | fields src, owner
@rows
{"src": "10.0.0.1", "owner": "alice"}
===
# Haetae choice (spec silent): a row with a null key gets null outputs (null never matches, as in join)
@table ev
{"n": 1}
@table owners
{"ip": "10.0.0.1", "owner": "alice"}
@query
table ev | lookup owners ip output owner | fields n, owner
@rows
{"n": 1}
===
# lookup then stats by the looked-up field
@table ev
{"ip": "10.0.0.1"}
{"ip": "10.0.0.2"}
{"ip": "10.0.0.1"}
@table owners
{"ip": "10.0.0.1", "owner": "alice"}
{"ip": "10.0.0.2", "owner": "bob"}
@query
table ev | lookup owners ip output owner | stats count by owner
@rows unordered
{"owner": "alice", "count": 2}
{"owner": "bob", "count": 1}
===
# Haetae choice (as join keys): lookup keys are exact, case matters
@table ev
{"u": "Bob"}
@table users
{"u": "bob", "role": "admin"}
@query
table ev | lookup users u output role | eval r = isnull(role) | fields r
@rows
{"r": true}
