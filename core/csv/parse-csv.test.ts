import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCsvParser, parseCsv, type CsvChunkResult, type CsvParserOptions } from './parse-csv.ts';

/** Feed `text` in chunks of `size` characters and collect everything. */
function feed(text: string, size: number, options: CsvParserOptions = {}): CsvChunkResult & { header: string[] | null } {
  const parser = createCsvParser(options);
  const out: CsvChunkResult = { rows: [], errors: [] };
  const take = (result: CsvChunkResult): void => {
    out.rows.push(...result.rows);
    out.errors.push(...result.errors);
  };
  for (let i = 0; i < text.length; i += size) take(parser.push(text.slice(i, i + size)));
  take(parser.end());
  return { ...out, header: parser.header() };
}

test('plain rows with line numbers; a missing final line end is fine', () => {
  const result = parseCsv('a,b,c\n1,2,3\n4,5,6');
  assert.deepEqual(result.rows, [
    { line: 1, fields: ['a', 'b', 'c'] },
    { line: 2, fields: ['1', '2', '3'] },
    { line: 3, fields: ['4', '5', '6'] },
  ]);
  assert.deepEqual(result.errors, []);
});

test('quoted fields: commas, escaped quotes, empty quoted field, line breaks inside', () => {
  const text = 'id,text\r\n1,"KEY FOB , SHED"\r\n2,"LETTER ""L"" RING"\r\n3,""\r\n4,"two\r\nlines"\r\n5,last\r\n';
  const result = parseCsv(text, { header: true });
  assert.deepEqual(result.header, ['id', 'text']);
  assert.deepEqual(result.rows, [
    { line: 2, fields: ['1', 'KEY FOB , SHED'] },
    { line: 3, fields: ['2', 'LETTER "L" RING'] },
    { line: 4, fields: ['3', ''] },
    { line: 5, fields: ['4', 'two\r\nlines'] },
    { line: 7, fields: ['5', 'last'] },
  ]);
});

test('LF, CRLF and lone CR line ends; blank lines skipped; empty fields kept', () => {
  const result = parseCsv('a,b\n\n1,\r\n,2\r\r3,4\n');
  assert.deepEqual(result.rows, [
    { line: 1, fields: ['a', 'b'] },
    { line: 3, fields: ['1', ''] },
    { line: 4, fields: ['', '2'] },
    { line: 6, fields: ['3', '4'] },
  ]);
});

test('a byte-order mark before the header is dropped, also when it arrives alone', () => {
  assert.deepEqual(parseCsv('\uFEFFInvoiceNo,Qty\n1,2', { header: true }).header, ['InvoiceNo', 'Qty']);
  assert.deepEqual(feed('\uFEFFInvoiceNo,Qty\n1,2', 1, { header: true }).header, ['InvoiceNo', 'Qty']);
});

test('the same rows come out whatever the chunk size (quotes, CRLF split across chunks)', () => {
  const text = '\uFEFFh1,h2,h3\r\n"a ""quoted"" one","multi\nline\r\nfield",x\r\nplain,"",z\r\n"end""",,\r\n"q"\r\n';
  const whole = feed(text, text.length);
  for (const size of [1, 2, 3, 5, 7, 13]) assert.deepEqual(feed(text, size), whole, `chunk size ${size}`);
  assert.deepEqual(whole.rows.map((r) => r.line), [1, 2, 5, 6, 7]);
  assert.deepEqual(whole.rows[1]?.fields, ['a "quoted" one', 'multi\nline\r\nfield', 'x']);
  assert.deepEqual(whole.rows[4]?.fields, ['q']);
});

test('header mode: rows with a wrong number of fields are errors, good rows survive', () => {
  const result = parseCsv('a,b,c\n1,2,3\n1,2\n1,2,3,4\n7,8,9\n', { header: true });
  assert.deepEqual(result.rows.map((r) => r.line), [2, 5]);
  assert.deepEqual(result.errors, [
    { line: 3, message: 'expected 3 fields, found 2' },
    { line: 4, message: 'expected 3 fields, found 4' },
  ]);
});

test('text after a closing quote is an error for that row only', () => {
  const result = parseCsv('a,b\n"x"y,1\n2,3\n', { header: true });
  assert.deepEqual(result.rows, [{ line: 3, fields: ['2', '3'] }]);
  assert.deepEqual(result.errors, [{ line: 2, message: 'unexpected text after a closing quote' }]);
});

test('a quote inside an unquoted field is kept literally', () => {
  assert.deepEqual(parseCsv('5" pipe,x').rows[0]?.fields, ['5" pipe', 'x']);
});

test('an unterminated quote at the end costs one line; the rows after it survive', () => {
  const text = 'a,b\n1,2\n3,"never closed\n4,5\n6,7\n';
  for (const size of [text.length, 1, 4]) {
    const result = feed(text, size, { header: true });
    assert.deepEqual(result.rows.map((r) => [r.line, ...r.fields]), [
      [2, '1', '2'],
      [4, '4', '5'],
      [5, '6', '7'],
    ], `chunk size ${size}`);
    assert.deepEqual(result.errors, [{ line: 3, message: 'unterminated quoted field (a quote opens here and never closes)' }]);
  }
});

test('a stray quote that pairs with a later one costs only its own line', () => {
  // Line 3's quote runs on and closes on line 4, giving a row of the wrong width: only line 3 is lost.
  const wide = parseCsv('a,b,c\n1,2,3\n4,"oops,6\n7",8,9\n10,11,12\n', { header: true });
  assert.deepEqual(wide.errors, [{ line: 3, message: 'expected 3 fields, found 4' }]);
  assert.deepEqual(wide.rows.map((r) => [r.line, ...r.fields]), [
    [2, '1', '2', '3'],
    [4, '7"', '8', '9'],
    [5, '10', '11', '12'],
  ]);
  // Here the run-on closes mid-field on line 4 (an error), and line 4 then opens a quote that
  // never closes (another error): lines 3 and 4 are reported, line 5 survives.
  const chained = parseCsv('a,b,c\n1,2,3\n4,"oops,6\n7,8,"9\n10,11,12\n', { header: true });
  assert.deepEqual(chained.errors.map((e) => e.line), [3, 4]);
  assert.deepEqual(chained.rows.map((r) => r.line), [2, 5]);
});

test('a quoted field open for more than maxLinesPerRow lines is given up without waiting for the end', () => {
  const parser = createCsvParser({ header: true, maxLinesPerRow: 3 });
  parser.push('a,b\n1,"open\n');
  const pushed = parser.push('2,3\n4,5\n6,7\n8,9\n');
  assert.deepEqual(pushed.errors, [{ line: 2, message: 'unterminated quoted field (a quote opens here and never closes)' }]);
  const rest = parser.end();
  assert.deepEqual([...pushed.rows, ...rest.rows].map((r) => r.line), [3, 4, 5, 6]);
});

test('an empty input has no header and no rows', () => {
  assert.deepEqual(parseCsv('', { header: true }), { header: null, rows: [], errors: [] });
  assert.deepEqual(parseCsv('\n\n', { header: true }), { header: null, rows: [], errors: [] });
});

test('push after end is a programming error', () => {
  const parser = createCsvParser();
  parser.end();
  assert.throws(() => parser.push('x'));
});
