import { describe, expect, it } from 'vitest';
import type { DataContract } from '../../../../src/core/contract/contract.js';
import { validateText } from '../../../support/validate.js';

const CSV = `${['id,temp,city,day,code', '1,12.5,Oslo,2024-01-01,AB-1', '2,,Rome,2024-01-02,AB-2', '3,48.5,Oslo,2024-01-03,ZZ', '3,-4,Paris,2023-12-31,AB-4', '5,x,Lima,2024-01-05,AB-5'].join('\n')}\n`;

describe('contract rules, each pointing at the rows that break it', () => {
  it.each<
    [
      string,
      DataContract['columns'],
      { column: string | null; rule: string; count: number; lines: number[]; values?: unknown[] }[],
    ]
  >([
    [
      'type (a float that does not parse)',
      { temp: { type: 'float' } },
      [{ column: 'temp', rule: 'type', count: 1, lines: [6], values: ['x'] }],
    ],
    [
      'type (an int column holding a fraction)',
      { temp: { type: 'int' } },
      [{ column: 'temp', rule: 'type', count: 3, lines: [2, 4, 6] }],
    ],
    [
      'nullable: false',
      { temp: { type: 'float', nullable: false } },
      [
        { column: 'temp', rule: 'type', count: 1, lines: [6] },
        { column: 'temp', rule: 'not_null', count: 1, lines: [3] },
      ],
    ],
    [
      'min and max',
      { temp: { type: 'float', min: 0, max: 40 } },
      [
        { column: 'temp', rule: 'type', count: 1, lines: [6] },
        { column: 'temp', rule: 'min', count: 1, lines: [5], values: [-4] },
        { column: 'temp', rule: 'max', count: 1, lines: [4], values: [48.5] },
      ],
    ],
    [
      'allowed (text)',
      { city: { type: 'category', allowed: ['Oslo', 'Rome'] } },
      [{ column: 'city', rule: 'allowed', count: 2, lines: [5, 6], values: ['Paris', 'Lima'] }],
    ],
    [
      'allowed (numbers)',
      { id: { type: 'int', allowed: [1, 2, 3] } },
      [{ column: 'id', rule: 'allowed', count: 1, lines: [6], values: [5] }],
    ],
    [
      'pattern',
      { code: { type: 'string', pattern: 'AB-\\d' } },
      [{ column: 'code', rule: 'pattern', count: 1, lines: [4], values: ['ZZ'] }],
    ],
    [
      'unique (ints)',
      { id: { type: 'int', unique: true } },
      [{ column: 'id', rule: 'unique', count: 1, lines: [5], values: [3] }],
    ],
    [
      'unique (ints in a known range, bitset)',
      { id: { type: 'int', unique: true, min: 1, max: 10 } },
      [{ column: 'id', rule: 'unique', count: 1, lines: [5], values: [3] }],
    ],
    [
      'unique (text)',
      { city: { type: 'string', unique: true } },
      [{ column: 'city', rule: 'unique', count: 1, lines: [4], values: ['Oslo'] }],
    ],
    [
      'datetime min',
      { day: { type: 'datetime', min: '2024-01-01' } },
      [{ column: 'day', rule: 'min', count: 1, lines: [5], values: ['2023-12-31T00:00:00.000Z'] }],
    ],
    [
      'max_null_fraction',
      { temp: { type: 'float', max_null_fraction: 0.1 } },
      [
        { column: 'temp', rule: 'type', count: 1, lines: [6] },
        { column: 'temp', rule: 'max_null_fraction', count: 1, lines: [] },
      ],
    ],
    ['mean', { id: { type: 'int', mean: { max: 2 } } }, [{ column: 'id', rule: 'mean', count: 1, lines: [] }]],
    ['stddev', { id: { type: 'int', stddev: { min: 5 } } }, [{ column: 'id', rule: 'stddev', count: 1, lines: [] }]],
    [
      'quantiles',
      { id: { type: 'int', quantiles: { '0.5': { min: 4 } } } },
      [{ column: 'id', rule: 'quantile', count: 1, lines: [] }],
    ],
  ])('%s', async (_, columns, expected) => {
    const { report } = await validateText(CSV, { columns });
    expect(report.passed).toBe(false);
    const got = report.violations.map((v) => ({
      column: v.column,
      rule: v.rule,
      count: v.count,
      lines: (v.examples ?? []).map((e) => e.line),
      values: (v.examples ?? []).map((e) => e.value),
    }));
    expect(got).toEqual(
      expected.map((e) => ({
        ...e,
        values: e.values ?? got.find((g) => g.rule === e.rule && g.column === e.column)?.values,
      })),
    );
  });

  it('mostly lets a small share of rows fail', async () => {
    // One row in five breaks min and one breaks type: 80% must pass excuses both, 90% neither.
    expect(
      (await validateText(CSV, { columns: { temp: { type: 'float', min: 0, mostly: 0.8 } } })).report.violations.map(
        (v) => v.rule,
      ),
    ).toEqual([]);
    expect(
      (await validateText(CSV, { columns: { temp: { type: 'float', min: 0, mostly: 0.9 } } })).report.violations.map(
        (v) => v.rule,
      ),
    ).toEqual(['type', 'min']);
  });

  it('row_count, required columns, extra columns and column order', async () => {
    const { report } = await validateText(CSV, {
      dataset: { row_count: { min: 10 }, extra_columns: 'forbid', order: 'strict', required: ['id', 'missing'] },
      columns: { city: { type: 'string' }, id: { type: 'int' }, missing: { type: 'int' } },
    });
    expect(report.violations.map((v) => [v.column, v.rule])).toEqual([
      ['missing', 'required_column'],
      ['temp', 'extra_column'],
      ['day', 'extra_column'],
      ['code', 'extra_column'],
      [null, 'column_order'],
      [null, 'row_count'],
    ]);
  });

  it('warnings fail only with fail-on warning', async () => {
    const contract: DataContract = {
      columns: { temp: { type: 'float', min: 0, severity: 'warning' }, id: { type: 'int' } },
    };
    const csv = 'id,temp\n1,-3\n';
    expect((await validateText(csv, contract)).report).toMatchObject({
      passed: true,
      summary: { errors: 0, warnings: 1 },
    });
    expect((await validateText(csv, contract, 'warning')).report.passed).toBe(false);
  });

  it('passes clean data and counts the rules it checked', async () => {
    const { report } = await validateText('a,b\n1,x\n2,y\n', {
      columns: { a: { type: 'int', min: 0, unique: true }, b: { type: 'category', allowed: ['x', 'y'] } },
    });
    expect(report).toMatchObject({
      passed: true,
      violations: [],
      summary: { errors: 0, warnings: 0, rules_checked: 6 },
    });
  });
});
