import { csvCell } from './exportFormats';

describe('csvCell', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    [' =HYPERLINK("x")', `"' =HYPERLINK(""x"")"`],
    ['  +1', "'  +1"],
    ['\n=1+1', `"'\n=1+1"`],
    ['\r\n@x', `"'\r\n@x"`],
    ['\uFF1D1+1', "'\uFF1D1+1"],
    ['\uFF0B1', "'\uFF0B1"],
    ['\uFF0D1', "'\uFF0D1"],
    ['\uFF20SUM(A1)', "'\uFF20SUM(A1)"],
    ['\u3000=1', "'\u3000=1"],
    ['\u00a0@x', "'\u00a0@x"],
  ])('neutralises %j, which a spreadsheet would run', (value, written) => {
    expect(csvCell(value)).toBe(written);
  });

  it.each([
    ['user:default/eli.martin', 'user:default/eli.martin'],
    ['a = b', 'a = b'],
    [' plain', ' plain'],
    ['zoë', 'zoë'],
    ['a,b', '"a,b"'],
  ])('writes %j as it is (quoted only for CSV)', (value, written) => {
    expect(csvCell(value)).toBe(written);
  });
});
