/**
 * The reasoning behind the unreachable, redundant and always-true findings must be sound:
 * `implies` and "not satisfiable" may only be claimed when true. Checked on hand-picked
 * cases and exhaustively against every short value over a small alphabet.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { CONDITIONS, type Condition } from './catalog.js';
import { conditionTest } from './conditions.js';
import { implies, isNegative, satisfiable } from './lint-subsume.js';
import type { FieldFilter } from './model.js';

function filter(condition: Condition, value: string): FieldFilter {
  return { kind: 'filter', field: 'Image', condition, value, line: 1 };
}

describe('implies', () => {
  it('proves the cases the linter reports', () => {
    assert.ok(implies(filter('is', 'C:\\x\\a.exe'), filter('end with', '.exe')));
    assert.ok(implies(filter('end with', 'cmd.exe'), filter('contains', 'cmd')));
    assert.ok(implies(filter('begin with', 'C:\\Users\\Public\\'), filter('begin with', 'c:\\users')));
    assert.ok(implies(filter('image', 'cmd.exe'), filter('end with', 'md.exe')));
    assert.ok(implies(filter('is any', 'a.exe;b.exe'), filter('end with', '.exe')));
    assert.ok(implies(filter('contains all', 'net;user'), filter('contains any', 'x;user')));
    assert.ok(implies(filter('begin with', 'C:\\Windows\\'), filter('is not', 'D:\\x')));
  });

  it('does not claim what is false or unknown', () => {
    assert.ok(!implies(filter('contains', 'cmd'), filter('end with', 'cmd.exe')));
    assert.ok(!implies(filter('image', 'cmd.exe'), filter('end with', '\\cmd.exe')), 'an Image of just "cmd.exe" has no backslash');
    assert.ok(!implies(filter('begin with', 'C:\\'), filter('is not', 'C:\\x')));
    assert.ok(!implies(filter('contains any', 'a;b'), filter('contains', 'a')));
    assert.ok(!implies(filter('is not', 'a'), filter('is not', 'b')));
  });
});

describe('satisfiable', () => {
  it('finds the contradictions the linter reports', () => {
    assert.ok(!satisfiable([filter('is', 'a.exe'), filter('is', 'b.exe')]));
    assert.ok(!satisfiable([filter('begin with', 'C:\\Windows\\'), filter('not begin with', 'C:\\')]));
    assert.ok(!satisfiable([filter('begin with', 'C:\\'), filter('begin with', 'D:\\')]));
    assert.ok(!satisfiable([filter('end with', '.exe'), filter('end with', '.dll')]));
    assert.ok(!satisfiable([filter('contains', 'temp'), filter('excludes', 'tem')]));
    assert.ok(!satisfiable([filter('is', 'x'), filter('is not', 'X')]));
    assert.ok(!satisfiable([filter('image', 'a.exe'), filter('image', 'b.exe')]));
  });

  it('accepts what some value satisfies', () => {
    assert.ok(satisfiable([filter('begin with', 'C:\\'), filter('end with', '.exe'), filter('excludes', 'temp')]));
    assert.ok(satisfiable([filter('is not', 'a'), filter('is not', 'b')]));
    assert.ok(satisfiable([filter('begin with', 'C:\\'), filter('begin with', 'c:\\windows')]));
    assert.ok(satisfiable([filter('less than', '5'), filter('more than', '7')]), 'not decided: treated as satisfiable');
  });
});

describe('soundness over every short value', () => {
  const alphabet = ['a', 'b', '\\'];
  const values: string[] = [''];
  for (let len = 1; len <= 5; len++) for (const v of values.filter((x) => x.length === len - 1)) for (const c of alphabet) values.push(v + c);
  const operands = ['a', 'b', 'ab', 'ba', '\\a', 'a\\b', 'a;b', 'b;ab', ''];
  const filters = (Object.keys(CONDITIONS) as Condition[]).flatMap((c) => operands.map((o) => filter(c, o)));
  const matches = (f: FieldFilter): Set<string> => new Set(values.filter(conditionTest(f.condition, f.value)));
  const sets = new Map(filters.map((f) => [f, matches(f)]));

  it('implies(a, b) only when every value matching a matches b', () => {
    let proved = 0;
    for (const a of filters) {
      for (const b of filters) {
        if (!implies(a, b)) continue;
        proved++;
        for (const v of sets.get(a)!) assert.ok(sets.get(b)!.has(v), `${a.condition} "${a.value}" ⇒ ${b.condition} "${b.value}" fails on "${v}"`);
      }
    }
    assert.ok(proved > 1000, `${proved} implications proved`);
  });

  it('unsatisfiable only when no value matches all filters', () => {
    let proved = 0;
    for (const a of filters) {
      for (const b of filters) {
        if (satisfiable([a, b])) continue;
        proved++;
        const both = [...sets.get(a)!].filter((v) => sets.get(b)!.has(v));
        assert.deepEqual(both, [], `${a.condition} "${a.value}" and ${b.condition} "${b.value}"`);
      }
    }
    assert.ok(proved > 100, `${proved} contradictions proved`);
  });

  it('classifies the negative conditions', () => {
    assert.deepEqual((Object.keys(CONDITIONS) as Condition[]).filter(isNegative).sort(), ['excludes', 'excludes all', 'excludes any', 'is not', 'not begin with', 'not end with']);
  });
});
