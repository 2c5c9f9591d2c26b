import { describe, expect, it } from 'vitest';
import { batchCsvColumns } from '../../shared/contract/schemas.ts';
import { csvCell, csvRecords, parseCsv, toCsv } from '../../shared/lib/csv.ts';
import { fieldsOf, seededRandom, thrown } from './helpers.ts';

describe('parseCsv', () => {
  it('splits rows and cells', () => {
    expect(parseCsv('a,b,c\n1,2,3\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
  });

  it('keeps commas, semicolons and line breaks inside quotes', () => {
    expect(parseCsv('"a,b","c;d","e\nf","g\r\nh"\n')).toEqual([['a,b', 'c;d', 'e\nf', 'g\r\nh']]);
    expect(parseCsv('"a,b";"c;d";"e\nf"\n')).toEqual([['a,b', 'c;d', 'e\nf']]);
  });

  it('splits on the delimiter the header line uses, and keeps the other one in cells', () => {
    expect(parseCsv('a;b\n1,5;x,y\n')).toEqual([
      ['a', 'b'],
      ['1,5', 'x,y'],
    ]);
    expect(parseCsv('a,b\nx;y,z\n')).toEqual([
      ['a', 'b'],
      ['x;y', 'z'],
    ]);
  });

  it('reads "" inside a quoted cell as one quote', () => {
    expect(parseCsv('"say ""hi""",""""\n')).toEqual([['say "hi"', '"']]);
  });

  it('an empty quoted cell is an empty cell', () => {
    expect(parseCsv('"",x,""\n')).toEqual([['', 'x', '']]);
  });

  it('takes CRLF, LF and lone CR line ends, with or without a final line end', () => {
    const expected = [
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ];
    expect(parseCsv('a,b\r\n1,2\r\n3,4\r\n')).toEqual(expected);
    expect(parseCsv('a,b\n1,2\n3,4')).toEqual(expected);
    expect(parseCsv('a,b\r1,2\r3,4\r')).toEqual(expected);
  });

  it('drops a byte order mark', () => {
    expect(parseCsv('\uFEFFclientRef,adults\r\nr1,1\r\n')).toEqual([
      ['clientRef', 'adults'],
      ['r1', '1'],
    ]);
  });

  it('takes semicolons as separators (spreadsheets in the Finnish locale)', () => {
    expect(parseCsv('a;b;c\r\n1;2;3\r\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
  });

  it('skips empty lines and keeps empty cells', () => {
    expect(parseCsv('a,b\n\n1,\n\r\n,2\n')).toEqual([
      ['a', 'b'],
      ['1', ''],
      ['', '2'],
    ]);
    expect(parseCsv('')).toEqual([]);
  });

  it('refuses a quote that is never closed', () => {
    const error = thrown(() => parseCsv('a,b\n"1,2\n'));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(error)).toEqual(['(body)']);
  });
});

describe('csvRecords', () => {
  const columns = batchCsvColumns;
  const numeric = ['adults', 'children'];

  it('maps cells to the header names in any column order', () => {
    const rows = csvRecords('sector,cardNumber,clientRef\nculture,AAAA,r1\n', columns, numeric);
    expect(rows).toEqual([
      { row: 2, record: { sector: 'culture', cardNumber: 'AAAA', clientRef: 'r1' }, problem: undefined },
    ]);
  });

  it('trims header names and cells; a header of one spreadsheet in Excel style works', () => {
    const text = '\uFEFF clientRef ; adults ;children;sector\r\n r1 ; 1 ; 2 ;sport\r\n';
    expect(csvRecords(text, columns, numeric)[0]?.record).toEqual({
      clientRef: 'r1',
      adults: 1,
      children: 2,
      sector: 'sport',
    });
  });

  it('makes numbers of whole-number cells in numeric columns only', () => {
    const [row] = csvRecords('clientRef,adults,children,venueId\n007,01,-1,42\n', columns, numeric);
    expect(row?.record).toEqual({ clientRef: '007', adults: 1, children: -1, venueId: '42' });
  });

  it('leaves non-numbers in numeric columns as text, for the schema to refuse', () => {
    const [row] = csvRecords('clientRef,adults,children\nr1,1.5,two\n', columns, numeric);
    expect(row?.record).toEqual({ clientRef: 'r1', adults: '1.5', children: 'two' });
  });

  it('leaves empty cells out', () => {
    const [row] = csvRecords('clientRef,adults,children,eventName\nr1,,0,\n', columns, numeric);
    expect(row?.record).toEqual({ clientRef: 'r1', children: 0 });
  });

  it('keeps quoted text intact', () => {
    const [row] = csvRecords('clientRef,eventName\nr1,"Jazz, blues and ""more"""\n', columns, numeric);
    expect(row?.record).toEqual({ clientRef: 'r1', eventName: 'Jazz, blues and "more"' });
  });

  it('refuses unknown columns, naming each', () => {
    const error = thrown(() => csvRecords('clientRef,name,adults,hetu\nr1,x,1,y\n', columns, numeric));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(error)).toEqual(['name', 'hetu']);
    expect(error.details?.[0]?.problem).toContain('clientRef');
  });

  it('refuses a body without a header row', () => {
    expect(fieldsOf(thrown(() => csvRecords('', columns, numeric)))).toEqual(['(body)']);
    expect(fieldsOf(thrown(() => csvRecords('\n\r\n', columns, numeric)))).toEqual(['(body)']);
  });

  it('a header alone gives no rows', () => {
    expect(csvRecords('clientRef,adults\n', columns, numeric)).toEqual([]);
  });

  it('a row with more cells than the header is a problem of that row only', () => {
    const rows = csvRecords('clientRef,adults\nr1,1\nr2,1,extra\nr3,1\n', columns, numeric);
    expect(rows.map((row) => row.row)).toEqual([2, 3, 4]);
    expect(rows[0]).toEqual({ row: 2, record: { clientRef: 'r1', adults: 1 }, problem: undefined });
    expect(rows[1]).toMatchObject({ row: 3, record: null });
    expect(rows[1]?.problem).toMatch(/3 cells.*2/);
    expect(rows[2]?.record).toEqual({ clientRef: 'r3', adults: 1 });
  });
});

describe('toCsv', () => {
  it('writes a header and one line per row, quoting only where needed', () => {
    expect(
      toCsv(
        ['a', 'b', 'c'],
        [
          { a: 'plain', b: 1, c: true },
          { a: 'x,y', b: 'say "hi"', c: 'p;q' },
          { a: 'line\nbreak', b: undefined, c: null },
        ],
      ),
    ).toBe('a,b,c\nplain,1,true\n"x,y","say ""hi""","p;q"\n"line\nbreak",,\n');
  });

  it('an empty list is just the header', () => {
    expect(toCsv(['usageId', 'voided'], [])).toBe('usageId,voided\n');
  });

  it('parseCsv reads back what toCsv wrote, for random cells', () => {
    const random = seededRandom(99);
    const alphabet = ['a', 'Ö', '1', ' ', ',', ';', '"', '\n', '\r\n', 'x'];
    const columns = ['c1', 'c2', 'c3'];
    for (let n = 0; n < 300; n++) {
      const rows = Array.from({ length: 1 + random.int(4) }, () => {
        const cells: Record<string, string> = {};
        for (const column of columns) {
          let text = random.pick(['a', 'b', '1']); // never empty, so no row is blank
          for (let k = random.int(6); k > 0; k--) text += random.pick(alphabet);
          cells[column] = text;
        }
        return cells;
      });
      const back = parseCsv(toCsv(columns, rows));
      expect(back).toEqual([columns, ...rows.map((row) => columns.map((column) => row[column]))]);
    }
  });
});

describe('csvCell', () => {
  it.each([
    ['=SUM(1+1)', "'=SUM(1+1)"],
    ["+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"],
    ['-1+1', "'-1+1"],
    ['@SUM(1+1)', "'@SUM(1+1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', `"'\r=1"`],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    // Issue 17 finding 8: what a spreadsheet may skip before the formula.
    [' =1+1', "' =1+1"],
    ['\u00A0=1+1', "'\u00A0=1+1"],
    ['\u200B=1+1', "'\u200B=1+1"],
    ['\uFEFF@SUM(1)', "'\uFEFF@SUM(1)"],
    ['\u3000+1', "'\u3000+1"],
    ['\uFF1D1+1', "'\uFF1D1+1"],
    ['\n=1', `"'\n=1"`],
    ['\u001B[2J', "'\u001B[2J"],
    ['Helsinki', 'Helsinki'],
    ['Kulttuuri-Helsinki', 'Kulttuuri-Helsinki'],
    ['Alue, "Pohjois-Savo"', `"Alue, ""Pohjois-Savo"""`],
  ])('writes %j as %j, safe to open in a spreadsheet', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('writes numbers as they are', () => {
    expect(csvCell(-1)).toBe('-1');
    expect(csvCell(0)).toBe('0');
  });
});

describe('csvRecords on hostile input', () => {
  it('refuses a header of millions of columns at once, with one small answer', () => {
    const header = Array.from({ length: 5_000_000 }, (_, i) => `c${i % 10}`).join(',');
    const error = thrown(() => csvRecords(`${header}\n1,2\n`, batchCsvColumns, []));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(error.details)).toContain('more than 50 columns');
  });
});
