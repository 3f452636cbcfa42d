import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addToDate, DateSyntaxError, dateUnit, diffDates, formatDate, parseDate, parseDateSpan, truncateDate } from './dates.js';

const utc = (...p: [number, number, number?, number?, number?, number?, number?]): Date => new Date(Date.UTC(...p));

test('formatDate writes SimpleDateFormat letters in UTC', () => {
  const d = utc(2024, 0, 2, 15, 4, 5, 6);
  assert.equal(formatDate(d, 'yyyy-MM-dd HH:mm:ss.SSS'), '2024-01-02 15:04:05.006');
  assert.equal(formatDate(d, 'yy/M/d H:m:s'), '24/1/2 15:4:5');
  assert.equal(formatDate(d, 'EEE, dd MMM yyyy hh:mm a Z'), 'Tue, 02 Jan 2024 03:04 PM +0000');
  assert.equal(formatDate(d, 'EEEE MMMM D'), 'Tuesday January 2');
  assert.equal(formatDate(d, "yyyy-MM-dd'T'HH:mm:ssX"), '2024-01-02T15:04:05Z');
  assert.equal(formatDate(d, "h 'o''clock' z"), "3 o'clock UTC");
  assert.equal(formatDate(utc(2024, 0, 1, 0, 30), 'k K h'), '24 0 12');
  assert.equal(formatDate(d, 'S'), '6');
  assert.throws(() => formatDate(d, 'yyyy-ww'), DateSyntaxError);
  assert.throws(() => formatDate(d, "yyyy 'open"), DateSyntaxError);
});

test('parseDate reads what formatDate writes', () => {
  const d = utc(2024, 6, 9, 21, 8, 7, 650);
  for (const p of ['yyyy-MM-dd HH:mm:ss.SSS', 'yyyyMMddHHmmssSSS', 'dd MMM yyyy hh:mm:ss.SSS a', 'EEEE, MMMM d, yyyy HH:mm:ss.SSS Z', "yyyy-MM-dd'T'HH:mm:ss.SSSX"]) {
    assert.deepEqual(parseDate(formatDate(d, p), p), d, p);
  }
});

test('parseDate: zones, two-digit years, days of year, strictness', () => {
  assert.deepEqual(parseDate('2024-01-02 09:00:00+09:00', 'yyyy-MM-dd HH:mm:ssX'), utc(2024, 0, 2, 0));
  assert.deepEqual(parseDate('2024-01-02 09:00:00 -0130', 'yyyy-MM-dd HH:mm:ss Z'), utc(2024, 0, 2, 10, 30));
  assert.deepEqual(parseDate('2024-01-02 09:00 GMT', 'yyyy-MM-dd HH:mm z'), utc(2024, 0, 2, 9));
  const now = utc(2024, 5, 1);
  assert.deepEqual(parseDate('01/02/24', 'MM/dd/yy', now), utc(2024, 0, 2));
  assert.deepEqual(parseDate('01/02/99', 'MM/dd/yy', now), utc(1999, 0, 2));
  assert.deepEqual(parseDate('2024 061', 'yyyy D'), utc(2024, 2, 1));
  assert.deepEqual(parseDate('12:30 AM', 'hh:mm a'), utc(1970, 0, 1, 0, 30));
  assert.deepEqual(parseDate('12:30 pm', 'hh:mm a'), utc(1970, 0, 1, 12, 30));
  assert.deepEqual(parseDate('0099-01-01', 'yyyy-MM-dd'), new Date('0099-01-01T00:00:00Z'));
  assert.deepEqual(parseDate('jan 5 2024', 'MMM d yyyy'), utc(2024, 0, 5));
  assert.equal(parseDate('2023-02-29', 'yyyy-MM-dd'), null);
  assert.deepEqual(parseDate('2024-02-29', 'yyyy-MM-dd'), utc(2024, 1, 29));
  assert.equal(parseDate('2024-01-01 24:00', 'yyyy-MM-dd HH:mm'), null);
  assert.equal(parseDate('Foo 5 2024', 'MMM d yyyy'), null);
  assert.equal(parseDate('x2024', 'yyyy'), null); // anchored at the start
});

test('spans and units', () => {
  assert.deepEqual(parseDateSpan('15m'), { amount: 15, unit: 'm' });
  assert.deepEqual(parseDateSpan('1MON'), { amount: 1, unit: 'mon' });
  assert.deepEqual(parseDateSpan(' 2 y '), { amount: 2, unit: 'y' });
  for (const bad of ['', 'm', '0s', '1.5h', '-1d', '1 fortnight']) assert.throws(() => parseDateSpan(bad), DateSyntaxError, bad);
  assert.equal(dateUnit('Day'), 'd');
  assert.equal(dateUnit('msec'), 'ms');
  assert.equal(dateUnit('mon'), 'mon');
  assert.throws(() => dateUnit('eon'), DateSyntaxError);
});

test('calendar arithmetic clamps days; differences truncate toward zero', () => {
  assert.deepEqual(addToDate(utc(2023, 0, 31), 'mon', 1), utc(2023, 1, 28));
  assert.deepEqual(addToDate(utc(2024, 2, 31, 5), 'mon', -1), utc(2024, 1, 29, 5));
  assert.deepEqual(addToDate(utc(2024, 11, 15), 'mon', 1), utc(2025, 0, 15));
  assert.deepEqual(addToDate(utc(2024, 0, 15), 'mon', -13), utc(2022, 11, 15));
  assert.deepEqual(addToDate(utc(2024, 0, 1), 'w', 2), utc(2024, 0, 15));
  assert.equal(diffDates(utc(2024, 0, 1), utc(2024, 0, 1, 23, 59), 'd'), 0);
  assert.equal(diffDates(utc(2024, 0, 1), utc(2024, 0, 8), 'w'), 1);
  assert.equal(diffDates(utc(2024, 0, 15, 12), utc(2024, 1, 15, 11), 'mon'), 0);
  assert.equal(diffDates(utc(2024, 0, 15, 12), utc(2024, 1, 15, 12), 'mon'), 1);
  assert.equal(diffDates(utc(2024, 1, 15, 12), utc(2024, 0, 15, 13), 'mon'), 0);
  assert.equal(diffDates(utc(2024, 1, 15), utc(2023, 1, 15), 'y'), -1);
});

test('truncateDate aligns buckets', () => {
  const d = utc(2024, 4, 15, 13, 47, 31, 250);
  assert.deepEqual(truncateDate(d, { amount: 1, unit: 's' }), utc(2024, 4, 15, 13, 47, 31));
  assert.deepEqual(truncateDate(d, { amount: 5, unit: 'm' }), utc(2024, 4, 15, 13, 45));
  assert.deepEqual(truncateDate(d, { amount: 6, unit: 'h' }), utc(2024, 4, 15, 12));
  assert.deepEqual(truncateDate(d, { amount: 1, unit: 'w' }), utc(2024, 4, 13)); // Monday
  assert.deepEqual(truncateDate(utc(2024, 4, 13), { amount: 1, unit: 'w' }), utc(2024, 4, 13));
  assert.deepEqual(truncateDate(d, { amount: 3, unit: 'mon' }), utc(2024, 3, 1));
  assert.deepEqual(truncateDate(d, { amount: 10, unit: 'y' }), utc(2020, 0, 1));
  assert.deepEqual(truncateDate(utc(1969, 11, 31, 23, 59), { amount: 1, unit: 'd' }), utc(1969, 11, 31));
  assert.deepEqual(truncateDate(utc(1969, 10, 5), { amount: 1, unit: 'mon' }), utc(1969, 10, 1));
});
