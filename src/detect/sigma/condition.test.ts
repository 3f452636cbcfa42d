/** The condition language: precedence, `of` forms, errors with columns, printing. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conditionReferences, ConditionError, identifierMatches, parseCondition, printCondition, type ConditionNode } from './condition.js';

const ref = (name: string, column: number): ConditionNode => ({ kind: 'ref', name, column });

test('precedence: or < and < not < x of < brackets', () => {
  assert.deepEqual(parseCondition('a or b and not c'), {
    kind: 'or', operands: [ref('a', 1), { kind: 'and', operands: [ref('b', 6), { kind: 'not', operand: ref('c', 16) }] }],
  });
  assert.deepEqual(parseCondition('not a and b'), { kind: 'and', operands: [{ kind: 'not', operand: ref('a', 5) }, ref('b', 11)] });
  assert.deepEqual(parseCondition('(a or b) and c'), { kind: 'and', operands: [{ kind: 'or', operands: [ref('a', 2), ref('b', 7)] }, ref('c', 14)] });
  assert.deepEqual(parseCondition('not 1 of sel* and all of them'), {
    kind: 'and', operands: [{ kind: 'not', operand: { kind: 'of', quantifier: 'one', pattern: 'sel*', column: 5 } }, { kind: 'of', quantifier: 'all', pattern: null, column: 19 }],
  });
  assert.deepEqual(parseCondition('a AND b'), { kind: 'and', operands: [ref('a', 1), ref('b', 7)] });
  assert.deepEqual(parseCondition('1 of selection_*'), { kind: 'of', quantifier: 'one', pattern: 'selection_*', column: 1 });
});

test('errors name what was expected and found, at the column', () => {
  const err = (text: string): [string, number] => {
    try { parseCondition(text); } catch (e) { if (e instanceof ConditionError) return [e.message, e.column]; throw e; }
    assert.fail(`'${text}' parsed`);
  };
  assert.deepEqual(err('a and'), ["expected a search identifier, 'not', '1 of', 'all of' or '(', found end of condition", 6]);
  assert.deepEqual(err('(a or b'), ["expected ')' to close '(' at column 1, found end of condition", 8]);
  assert.deepEqual(err('a b'), ["expected 'and', 'or' or end of condition, found 'b'", 3]);
  assert.deepEqual(err('sel*'), ["wildcard 'sel*' is only allowed after '1 of' or 'all of'", 1]);
  assert.deepEqual(err('2 of sel*'), ["only '1 of' and 'all of' are defined, not '2 of'", 1]);
  assert.deepEqual(err('1 sel'), ["expected 'of' after '1', found 'sel'", 3]);
  assert.deepEqual(err('all of (a)'), ["expected a search identifier pattern or 'them' after 'all of', found '('", 8]);
  assert.deepEqual(err('a & b'), ["unexpected character '&'", 3]);
  assert.equal(err('sel | count() > 4')[1], 5);
});

test('identifier patterns and references', () => {
  assert.ok(identifierMatches('selection_img', 'selection*'));
  assert.ok(identifierMatches('sel_a_x', '*_a_*'));
  assert.ok(!identifierMatches('filter', 'selection*'));
  assert.ok(identifierMatches('x.y', 'x.y') && !identifierMatches('xzy', 'x.y'), 'dots are literal');
  assert.ok(!identifierMatches('_private', null) && identifierMatches('public', null));
  assert.deepEqual(conditionReferences(parseCondition('1 of sel* and not f'), ['sel1', 'sel2']), { used: ['sel1', 'sel2'], missing: [{ text: 'f', column: 19 }] });
  assert.deepEqual(conditionReferences(parseCondition('all of x*'), ['a']).missing, [{ text: 'all of x*', column: 1 }]);
});

test('printCondition round-trips with minimal brackets', () => {
  for (const text of ['a or b and not c', '(a or b) and c', 'not (a and b)', 'not not a', '1 of sel* and not 1 of filter_*', 'all of them or a', 'a and (b or c and d)']) {
    assert.equal(printCondition(parseCondition(text)), text);
  }
  assert.equal(printCondition(parseCondition('((a)) and ((b or c))')), 'a and (b or c)');
  assert.equal(printCondition({ kind: 'and', operands: [parseCondition('a and b'), parseCondition('c or d'), parseCondition('not e')] }), 'a and b and (c or d) and not e');
  assert.equal(printCondition({ kind: 'or', operands: [parseCondition('a or b'), parseCondition('c and d')] }), 'a or b or c and d');
  assert.equal(printCondition({ kind: 'not', operand: parseCondition('1 of x*') }), 'not 1 of x*');
});
