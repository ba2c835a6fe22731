// Internals shared with sibling packages (@replikit/resp/internal). Not a stable API.
export { binaryString, binarySlice, commandName, writeBinaryChecked } from './binary-string';
export { parseRedisInteger } from './redis-integer';
export { splitArgs } from './split-args';
export { EofMarkScanner } from './eof-mark-scanner';
export { InputBuffer } from './input-buffer';
export { decimalLength, writeDecimal, writeLatin1, utf8Length, writeUtf8 } from './ascii';
