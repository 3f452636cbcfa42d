# unknown command: position, message, the source line and a caret
@table t
{"n": 1}
@query
table t | serch n > 1
@error
error at line 1, column 11: unknown command 'serch'
  table t | serch n > 1
            ^^^^^
===
# unknown command on the second line of a query
@table t
{"n": 1}
@query
table t
| serch x
@error
line 2, column 3
unknown command 'serch'
===
# unknown option
@table t
{"n": 1}
@query
table t | sort lmit=2 n
@error
line 1, column 16
unknown option
lmit
===
# an unknown escape in a string literal
@table t
{"n": 1}
@query
table t | eval s = "a\qb"
@error
line 1, column 22
unknown escape \q
===
# another unknown escape: \x
@table t
{"n": 1}
@query
table t | eval s = "a\xb"
@error
line 1, column 22
escape
===
# an unterminated string
@table t
{"n": 1}
@query
table t | eval s = "abc
@error
line 1, column 20
no closing quote
===
# = in search is not a comparison; the hint says ==
@table t
{"n": 1}
@query
table t | search n = 1
@error
line 1, column 20
'=' is not a comparison
==
===
# an unclosed [ of a subquery
@table l
{"k": 1}
@query
table l | join k [ table r
@error
line 1, column 18
'[' is never closed
===
# an unclosed (
@table t
{"n": 1}
@query
table t | eval x = (1 + 2
@error
line 1, column 20
'(' is never closed
===
# an unknown function
@table t
{"n": 1}
@query
table t | eval x = foo(1)
@error
line 1, column 20
unknown function 'foo'
===
# an unknown function in search
@table t
{"n": 1}
@query
table t | search foo(n)
@error
line 1, column 18
unknown function 'foo'
===
# a function called with too few arguments
@table t
{"n": 1}
@query
table t | eval x = substr("a")
@error
line 1, column 20
substr
arguments
===
# a function called with too many arguments
@table t
{"n": 1}
@query
table t | eval x = len("a", "b")
@error
line 1, column 20
len() takes 1 argument, got 2
===
# a missing table
@table t
{"n": 1}
@query
table nope
@error
table 'nope' not found
===
# a missing table inside a join subquery
@table l
{"k": 1}
@query
table l | join k [ table nope ]
@error
table 'nope' not found
===
# wget to a host that is not on the allowlist is refused, never fetched
@query
wget url="http://example.com/x"
@error
not in the wget allowlist
example.com
===
# wget to another loopback address is not 127.0.0.1: refused
@http /x
x
@query
wget url="http://127.0.0.2:PORT/x"
@error
not in the wget allowlist
===
# eval assigns with =, not ==
@table t
{"n": 1}
@query
table t | eval x == 1
@error
line 1, column 18
eval assigns with '='
===
# an unknown aggregate
@table t
{"n": 1}
@query
table t | stats cnt
@error
line 1, column 17
unknown aggregate
cnt
===
# percentile needs two arguments
@table t
{"n": 1}
@query
table t | stats percentile(n)
@error
line 1, column 17
percentile
===
# a bad option value
@table t
{"n": 1}
@query
table limit=abc t
@error
line 1, column 13
limit=
===
# not is a function
@table t
{"n": 1}
@query
table t | search not n == 1
@error
line 1, column 22
not is a function
===
# an invalid regular expression in rex
@table t
{"n": 1}
@query
table t | rex field=line "(?<a>[a-z"
@error
line 1, column 26
invalid regular expression
===
# rex needs a named group
@table t
{"n": 1}
@query
table t | rex field=line "[a-z]+"
@error
line 1, column 26
named group
===
# timechart needs span=
@table t
{"n": 1}
@query
table t | timechart count
@error
line 1, column 11
span=
===
# a query starts with a source command
@table t
{"n": 1}
@query
search n > 1
@error
line 1, column 1
table or wget
===
# an empty command between pipes
@table t
{"n": 1}
@query
table t | | fields n
@error
line 1, column 11
no command
===
# % is not an operator: use mod()
@table t
{"n": 1}
@query
table t | eval x = 7 % 2
@error
line 1, column 22
unexpected character '%'
mod
===
# a join without key fields
@table l
{"k": 1}
@query
table l | join [ table r ]
@error
line 1, column 11
key fields
===
# a boolean option with a non-boolean value
@table t
{"n": 1}
@query
table t | parsekv overlay=maybe
@error
line 1, column 27
maybe
===
# an expression cut short
@table t
{"n": 1}
@query
table t | eval x = 1 +
@error
line 1, column 23
expected an expression
===
# an unknown join type
@table l
{"k": 1}
@query
table l | join type=sideways k [ table l ]
@error
line 1, column 21
sideways
===
# a bad duration unit
@table t
{"n": 1}
@query
table duration=5x t
@error
line 1, column 16
duration=
===
# a from= timestamp of odd length
@table t
{"n": 1}
@query
table from=2024130 t
@error
line 1, column 12
from=
===
# sort without fields
@table t
{"n": 1}
@query
table t | sort
@error
line 1, column 15
field name
===
# limit needs a number
@table t
{"n": 1}
@query
table t | limit x
@error
line 1, column 17
number
===
# wget to an unlisted, unroutable address fails at once with the allowlist error (no connection is tried)
@query
wget url="http://10.255.255.1/x" timeout=1
@error
not in the wget allowlist
10.255.255.1
