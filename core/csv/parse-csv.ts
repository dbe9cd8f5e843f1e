// An incremental RFC 4180 CSV parser: feed text chunks, get back the rows completed so far, each
// with the 1-based line number it starts on. Pure: it holds only the text of the row in progress.
//
// Accepted: comma separators; CRLF, LF or lone CR line ends; quoted fields with `""` for a quote
// and line breaks inside; a UTF-8 byte-order mark at the very start; a missing final line end.
// Blank lines are skipped. A quote inside an unquoted field is kept as a literal character.
//
// Malformed rows become `{ line, message }` errors and are skipped; parsing goes on:
// - text after a closing quote (`"ab"c,`),
// - a quote that never closes (found at the end of input, or once the open field has spanned
//   more than `maxLinesPerRow` lines),
// - a wrong number of fields, when the first row is a header (option `header`).
// When a malformed row spans several lines (typically a stray quote that ran on), only its first
// line is given up: parsing resumes on the next line, so the good rows after it survive.

export interface CsvRow {
  /** 1-based line on which the row starts. */
  line: number;
  fields: string[];
}

export interface RowError {
  /** 1-based line on which the offending row starts. */
  line: number;
  message: string;
}

export interface CsvChunkResult {
  rows: CsvRow[];
  errors: RowError[];
}

export interface CsvParser {
  push(chunk: string): CsvChunkResult;
  /** Signal the end of input; returns whatever the last chunk left pending. */
  end(): CsvChunkResult;
  /** The header (names trimmed) once read, when the parser was made with `header: true`. */
  header(): string[] | null;
  /** The line the header row started on, once read. */
  headerLine(): number | null;
}

export interface CsvParserOptions {
  /**
   * The first row names the columns: it is returned by `header()`, not as a row, and fixes the
   * number of fields every later row must have. Default false.
   */
  header?: boolean;
  /** A quoted field still open after this many lines is reported as unterminated. Default 100. */
  maxLinesPerRow?: number;
}

type Scan =
  | { kind: 'row'; fields: string[]; next: number; breaks: number; error: string | null; blank: boolean }
  | { kind: 'incomplete'; inQuotes: boolean; breaks: number };

const DELIMITER = /[,\r\n]/g;

function countLineBreaks(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 10) count += 1;
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) count += 1;
  }
  return count;
}

/** Index just after the first line break at or after `from`, or -1 when there is none. */
function afterFirstLineBreak(text: string, from: number): number {
  for (let i = from; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 10) return i + 1;
    if (c === 13) return text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
  }
  return -1;
}

/** Scan one row starting at `pos`. With `final` false, a row that may go on is 'incomplete'. */
function scanRow(text: string, pos: number, final: boolean): Scan {
  const fields: string[] = [];
  let i = pos;
  let breaks = 0;
  let error: string | null = null;
  let anyQuoted = false;
  const len = text.length;

  for (;;) {
    let field = '';
    if (text.charCodeAt(i) === 34 /* " */) {
      anyQuoted = true;
      i += 1;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) {
          breaks += countLineBreaks(text.slice(i));
          return { kind: 'incomplete', inQuotes: true, breaks };
        }
        const piece = text.slice(i, quote);
        breaks += countLineBreaks(piece);
        field += piece;
        if (quote + 1 >= len && !final) return { kind: 'incomplete', inQuotes: true, breaks };
        if (text.charCodeAt(quote + 1) === 34) {
          field += '"';
          i = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      const after = text.charCodeAt(i);
      if (i < len && after !== 44 && after !== 13 && after !== 10) {
        error ??= 'unexpected text after a closing quote';
        DELIMITER.lastIndex = i;
        const match = DELIMITER.exec(text);
        const stop = match === null ? len : match.index;
        field += text.slice(i, stop);
        i = stop;
      }
    } else {
      DELIMITER.lastIndex = i;
      const match = DELIMITER.exec(text);
      const stop = match === null ? len : match.index;
      field = text.slice(i, stop);
      i = stop;
    }

    fields.push(field);
    if (i >= len) {
      if (!final) return { kind: 'incomplete', inQuotes: false, breaks };
      return { kind: 'row', fields, next: i, breaks, error, blank: !anyQuoted && fields.length === 1 && field === '' };
    }
    const c = text.charCodeAt(i);
    if (c === 44 /* , */) {
      i += 1;
      continue;
    }
    if (c === 13 /* \r */) {
      if (i + 1 >= len && !final) return { kind: 'incomplete', inQuotes: false, breaks };
      i += text.charCodeAt(i + 1) === 10 ? 2 : 1;
    } else {
      i += 1; // \n
    }
    breaks += 1;
    return { kind: 'row', fields, next: i, breaks, error, blank: !anyQuoted && fields.length === 1 && field === '' };
  }
}

export function createCsvParser(options: CsvParserOptions = {}): CsvParser {
  const maxLinesPerRow = options.maxLinesPerRow ?? 100;
  const wantHeader = options.header ?? false;
  let header: string[] | null = null;
  let headerLine: number | null = null;
  let buffer = '';
  let line = 1;
  let started = false;
  let ended = false;

  function drain(final: boolean): CsvChunkResult {
    const rows: CsvRow[] = [];
    const errors: RowError[] = [];
    let pos = 0;
    while (pos < buffer.length) {
      const scan = scanRow(buffer, pos, final);
      if (scan.kind === 'incomplete') {
        const runaway = scan.inQuotes && (final || scan.breaks > maxLinesPerRow);
        if (!runaway) break;
        errors.push({ line, message: 'unterminated quoted field (a quote opens here and never closes)' });
        const resume = afterFirstLineBreak(buffer, pos);
        if (resume < 0) {
          pos = buffer.length;
        } else {
          pos = resume;
          line += 1;
        }
        continue;
      }
      const expected = header === null ? null : header.length;
      const wrongCount = expected !== null && !scan.blank && scan.fields.length !== expected;
      const message = scan.error ?? (wrongCount ? `expected ${expected} fields, found ${scan.fields.length}` : null);
      if (message === null) {
        if (scan.blank) {
          // nothing to emit
        } else if (wantHeader && header === null) {
          header = scan.fields.map((name) => name.trim());
          headerLine = line;
        } else {
          rows.push({ line, fields: scan.fields });
        }
        pos = scan.next;
        line += scan.breaks;
        continue;
      }
      errors.push({ line, message });
      const firstLineEnd = afterFirstLineBreak(buffer, pos);
      if (firstLineEnd >= 0 && firstLineEnd < scan.next) {
        // The row ran over several lines: give up only its first line.
        pos = firstLineEnd;
        line += 1;
      } else {
        pos = scan.next;
        line += scan.breaks;
      }
    }
    buffer = buffer.slice(pos);
    return { rows, errors };
  }

  return {
    push(chunk) {
      if (ended) throw new Error('CSV parser: push() after end()');
      if (!started && chunk.length > 0) {
        started = true;
        if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      }
      buffer += chunk;
      return drain(false);
    },
    end() {
      if (ended) return { rows: [], errors: [] };
      ended = true;
      return drain(true);
    },
    header: () => header,
    headerLine: () => headerLine,
  };
}

export interface CsvParseResult extends CsvChunkResult {
  header: string[] | null;
}

/** Parse a whole text at once (same rules as the incremental parser). */
export function parseCsv(text: string, options: CsvParserOptions = {}): CsvParseResult {
  const parser = createCsvParser(options);
  const first = parser.push(text);
  const last = parser.end();
  return { header: parser.header(), rows: [...first.rows, ...last.rows], errors: [...first.errors, ...last.errors] };
}
