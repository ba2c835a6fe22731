// Request decoder cases shared by the unit tests and the comparison with a real redis-server.
// `input` is a binary string; `commands` the argv expected before the end (or before the error).

export interface ValidCase {
  name: string;
  input: string;
  commands: string[][];
  emptyLines?: number;
}

export interface ErrorCase {
  name: string;
  input: string;
  /** commands decoded before the error */
  commands: string[][];
  replyText: string;
}

const ALL_BYTES = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');

export const validCases: ValidCase[] = [
  { name: 'one multibulk command', input: '*1\r\n$4\r\nPING\r\n', commands: [['PING']] },
  {
    name: 'pipelined SET and GET',
    input: '*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n',
    commands: [['SET', 'key', 'value'], ['GET', 'key']],
  },
  { name: 'empty bulk', input: '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n', commands: [['SET', 'k', '']] },
  {
    name: 'all 256 byte values in one argument',
    input: `*2\r\n$4\r\nECHO\r\n$256\r\n${ALL_BYTES}\r\n`,
    commands: [['ECHO', ALL_BYTES]],
  },
  { name: '*0 and *-1 are skipped', input: '*0\r\n*-1\r\n*-42\r\n*1\r\n$4\r\nPING\r\n', commands: [['PING']] },
  { name: 'CRLF after a payload is not checked', input: '*2\r\n$4\r\nECHO\r\n$2\r\nhixy*1\r\n$4\r\nPING\r\n', commands: [['ECHO', 'hi'], ['PING']] },
  { name: 'any byte may follow the \\r of a header', input: '*1\rX$4\r\nPING\r\n', commands: [['PING']] },
  { name: 'bulk header ending in \\r plus any byte', input: '*1\r\n$4\r!PING\r\n', commands: [['PING']] },
  { name: 'inline CRLF', input: 'PING\r\n', commands: [['PING']] },
  { name: 'inline LF only', input: 'PING\n', commands: [['PING']] },
  { name: 'inline with blanks', input: '  set \t key   value  \r\n', commands: [['set', 'key', 'value']] },
  { name: 'inline double quotes and escapes', input: 'set "a b" "\\x41\\x7a\\n\\r\\t\\b\\a\\"\\\\\\q"\r\n', commands: [['set', 'a b', 'Az\n\r\t\b\x07"\\q']] },
  { name: 'inline single quotes', input: "set 'a \"b' 'it\\'s' 'x\\ny'\r\n", commands: [['set', 'a "b', "it's", 'x\\ny']] },
  { name: 'inline quote opening mid-token', input: 'set a"b c" d\r\n', commands: [['set', 'ab c', 'd']] },
  { name: 'inline empty quotes', input: 'set k ""\r\n', commands: [['set', 'k', '']] },
  { name: 'inline bad hex escape is a plain escape', input: 'echo "\\x4g"\r\n', commands: [['echo', 'x4g']] },
  { name: 'inline \\v is part of a token but skipped as leading blank', input: '\x0becho a\x0bb\r\n', commands: [['echo', 'a\x0bb']] },
  { name: 'inline \\r inside a line separates tokens', input: 'echo a\rb\n', commands: [['echo', 'a', 'b']] },
  { name: 'inline high bytes', input: 'echo \xff\xfe\x80\r\n', commands: [['echo', '\xff\xfe\x80']] },
  { name: 'empty lines are keepalives', input: '\n\r\n\n*1\r\n$4\r\nPING\r\n', commands: [['PING']], emptyLines: 3 },
  { name: 'blank line yields nothing', input: '   \t \r\nPING\r\n', commands: [['PING']] },
  { name: 'mixed inline and multibulk', input: 'PING\r\n*1\r\n$4\r\nPING\r\nECHO x\n', commands: [['PING'], ['PING'], ['ECHO', 'x']] },
  { name: 'incomplete command yields nothing', input: '*2\r\n$4\r\nECHO\r\n$5\r\nhel', commands: [] },
  { name: 'incomplete inline yields nothing', input: 'PING', commands: [] },
  { name: 'a NUL before the newline: Redis never completes the line', input: 'PI\x00NG\r\n', commands: [] },
  { name: 'a NUL before the header \\r: never completes', input: '*1\x00\r\n$4\r\nPING\r\n', commands: [] },
];

export const errorCases: ErrorCase[] = [
  { name: 'bulk length not a number', input: '*1\r\n$x\r\n', commands: [], replyText: 'ERR Protocol error: invalid bulk length' },
  { name: 'negative bulk length', input: '*1\r\n$-1\r\n', commands: [], replyText: 'ERR Protocol error: invalid bulk length' },
  { name: 'bulk length with leading zero', input: '*1\r\n$04\r\nPING\r\n', commands: [], replyText: 'ERR Protocol error: invalid bulk length' },
  { name: 'bulk length with plus sign', input: '*1\r\n$+4\r\nPING\r\n', commands: [], replyText: 'ERR Protocol error: invalid bulk length' },
  { name: 'empty bulk length', input: '*1\r\n$\r\n', commands: [], replyText: 'ERR Protocol error: invalid bulk length' },
  { name: 'bulk length above proto-max-bulk-len', input: '*1\r\n$536870913\r\n', commands: [], replyText: 'ERR Protocol error: invalid bulk length' },
  { name: 'bulk length overflowing 64 bits', input: '*1\r\n$99999999999999999999\r\n', commands: [], replyText: 'ERR Protocol error: invalid bulk length' },
  { name: 'no $ where a bulk is expected', input: '*1\r\nPING\r\n', commands: [], replyText: "ERR Protocol error: expected '$', got 'P'" },
  { name: 'a \\r where a bulk is expected', input: '*1\r\n\r\n', commands: [], replyText: "ERR Protocol error: expected '$', got ' '" },
  { name: 'a high byte where a bulk is expected', input: '*1\r\n\xe9x\r\n', commands: [], replyText: "ERR Protocol error: expected '$', got '\xe9'" },
  { name: 'multibulk count not a number', input: '*x\r\n', commands: [], replyText: 'ERR Protocol error: invalid multibulk length' },
  { name: 'empty multibulk count', input: '*\r\n', commands: [], replyText: 'ERR Protocol error: invalid multibulk length' },
  { name: 'multibulk count -0', input: '*-0\r\n', commands: [], replyText: 'ERR Protocol error: invalid multibulk length' },
  { name: 'multibulk count above INT_MAX', input: '*2147483648\r\n', commands: [], replyText: 'ERR Protocol error: invalid multibulk length' },
  { name: 'multibulk count with a space', input: '*1 \r\n', commands: [], replyText: 'ERR Protocol error: invalid multibulk length' },
  { name: 'header \\r found past a \\n', input: '*1\n$4\r\nPING\r\n', commands: [], replyText: 'ERR Protocol error: invalid multibulk length' },
  { name: 'unbalanced double quote', input: 'set "abc\r\n', commands: [], replyText: 'ERR Protocol error: unbalanced quotes in request' },
  { name: 'unbalanced single quote', input: "set 'abc\r\n", commands: [], replyText: 'ERR Protocol error: unbalanced quotes in request' },
  { name: 'closing quote followed by a non-blank', input: 'set "a"b\r\n', commands: [], replyText: 'ERR Protocol error: unbalanced quotes in request' },
  { name: 'trailing backslash in quotes', input: 'set "a\\\r\n', commands: [], replyText: 'ERR Protocol error: unbalanced quotes in request' },
  {
    name: 'error after good commands',
    input: '*1\r\n$4\r\nPING\r\nPING\r\n*1\r\n$y\r\n',
    commands: [['PING'], ['PING']],
    replyText: 'ERR Protocol error: invalid bulk length',
  },
];
