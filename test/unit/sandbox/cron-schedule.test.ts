// The CronJob schedule grammar of v1.13's controller (robfig/cron ParseStandard): fields, steps,
// ranges, lists, names, descriptors, the day-of-month/day-of-week rule and its error messages.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CronSyntaxError, parseCronSchedule } from '../../../src/sandbox/controllers/cron-schedule';

const at = (iso: string) => new Date(iso);
/** The next `count` activations after `from`, as ISO strings. */
function nexts(spec: string, from: string, count = 3): string[] {
  const schedule = parseCronSchedule(spec);
  const times: string[] = [];
  let t: Date | undefined = at(from);
  for (let i = 0; i < count && t; i++) {
    t = schedule.next(t);
    if (t) times.push(t.toISOString());
  }
  return times;
}

describe('cron schedules as the v1.13 CronJob controller reads them', () => {
  test('*/1 runs on every whole minute, strictly after the time given', () => {
    assert.deepEqual(nexts('*/1 * * * *', '2019-07-01T10:00:00Z'), [
      '2019-07-01T10:01:00.000Z',
      '2019-07-01T10:02:00.000Z',
      '2019-07-01T10:03:00.000Z',
    ]);
    assert.deepEqual(nexts('* * * * *', '2019-07-01T10:00:30.500Z', 1), ['2019-07-01T10:01:00.000Z']);
  });

  test('steps, ranges and lists combine in one field', () => {
    assert.deepEqual(nexts('*/15 * * * *', '2019-07-01T10:01:00Z'), [
      '2019-07-01T10:15:00.000Z',
      '2019-07-01T10:30:00.000Z',
      '2019-07-01T10:45:00.000Z',
    ]);
    assert.deepEqual(nexts('5,10-12 9 * * *', '2019-07-01T09:06:00Z', 4), [
      '2019-07-01T09:10:00.000Z',
      '2019-07-01T09:11:00.000Z',
      '2019-07-01T09:12:00.000Z',
      '2019-07-02T09:05:00.000Z',
    ]);
    assert.deepEqual(nexts('10-50/20 * * * *', '2019-07-01T09:00:00Z'), [
      '2019-07-01T09:10:00.000Z',
      '2019-07-01T09:30:00.000Z',
      '2019-07-01T09:50:00.000Z',
    ]);
    // `n/step` runs from n to the end of the field.
    assert.deepEqual(nexts('50/5 * * * *', '2019-07-01T09:00:00Z'), [
      '2019-07-01T09:50:00.000Z',
      '2019-07-01T09:55:00.000Z',
      '2019-07-01T10:50:00.000Z',
    ]);
  });

  test('month and weekday names, any case', () => {
    // 2019-07-01 was a Monday.
    assert.deepEqual(nexts('0 12 * * MON-wed', '2019-07-01T13:00:00Z'), [
      '2019-07-02T12:00:00.000Z',
      '2019-07-03T12:00:00.000Z',
      '2019-07-08T12:00:00.000Z',
    ]);
    assert.deepEqual(nexts('0 0 1 feb,Aug *', '2019-07-01T00:00:00Z', 2), [
      '2019-08-01T00:00:00.000Z',
      '2020-02-01T00:00:00.000Z',
    ]);
  });

  test('day of month and day of week: either matches when both are restricted, both when one is *', () => {
    // The 13th, or any Friday.
    assert.deepEqual(nexts('0 0 13 * 5', '2019-07-01T00:00:00Z', 3), [
      '2019-07-05T00:00:00.000Z',
      '2019-07-12T00:00:00.000Z',
      '2019-07-13T00:00:00.000Z',
    ]);
    assert.deepEqual(nexts('0 0 ? * 5', '2019-07-01T00:00:00Z', 2), [
      '2019-07-05T00:00:00.000Z',
      '2019-07-12T00:00:00.000Z',
    ]);
  });

  test('descriptors and @every', () => {
    assert.deepEqual(nexts('@hourly', '2019-07-01T10:20:00Z', 2), [
      '2019-07-01T11:00:00.000Z',
      '2019-07-01T12:00:00.000Z',
    ]);
    assert.deepEqual(nexts('@daily', '2019-07-01T10:20:00Z', 1), ['2019-07-02T00:00:00.000Z']);
    assert.deepEqual(nexts('@weekly', '2019-07-01T10:20:00Z', 1), ['2019-07-07T00:00:00.000Z']);
    assert.deepEqual(nexts('@monthly', '2019-07-01T10:20:00Z', 1), ['2019-08-01T00:00:00.000Z']);
    assert.deepEqual(nexts('@yearly', '2019-07-01T10:20:00Z', 1), ['2020-01-01T00:00:00.000Z']);
    assert.deepEqual(nexts('@every 1m30s', '2019-07-01T10:20:00.700Z', 2), [
      '2019-07-01T10:21:30.000Z',
      '2019-07-01T10:23:00.000Z',
    ]);
  });

  test('a date that never comes gives no next time', () => {
    assert.equal(parseCronSchedule('0 0 30 2 *').next(at('2019-07-01T00:00:00Z')), undefined);
  });

  /** What robfig/cron says of each schedule it refuses. */
  const refusals: [spec: string, message: string | RegExp][] = [
    ['* * * *', 'Expected exactly 5 fields, found 4: * * * *'],
    ['60 * * * *', 'End of range (60) above maximum (59): 60'],
    ['* * 0 * *', 'Beginning of range (0) below minimum (1): 0'],
    ['* * * * 7', 'End of range (7) above maximum (6): 7'],
    ['5-2 * * * *', 'Beginning of range (5) beyond end of range (2): 5-2'],
    ['*/0 * * * *', 'Step of range should be a positive number: */0'],
    ['@fortnightly', 'Unrecognized descriptor: @fortnightly'],
    ['x * * * *', /^Failed to parse int from x/],
  ];
  for (const [spec, message] of refusals) {
    test(`refuses "${spec}" in robfig/cron's words`, () => {
      assert.throws(
        () => parseCronSchedule(spec),
        (error: unknown) => {
          assert.ok(error instanceof CronSyntaxError);
          if (typeof message === 'string') assert.equal(error.message, message);
          else assert.match(error.message, message);
          return true;
        },
      );
    });
  }
});
