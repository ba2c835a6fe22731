import { splitArgs } from '@replikit/resp/internal';

/**
 * Splits a config line (redis.conf, `--directive` arguments, CONFIG SET values) into arguments
 * with @replikit/resp's sdssplitargs: blanks separate arguments, "double quotes" support
 * \n \r \t \b \a \\ \" and \xHH, 'single quotes' support \'; a closing quote must be followed by
 * a blank or the end; null on unbalanced quotes. Lines are binary strings (latin1, as the config
 * files are read); a line with wider characters (process.argv) is taken as its UTF-8 bytes, like
 * Redis sees argv. Arguments are binary strings.
 */
export function splitConfigArgs(line: string): string[] | null {
  const bytes = Buffer.from(line, /[^\x00-\xff]/.test(line) ? 'utf8' : 'latin1');
  return splitArgs(bytes, 0, bytes.length);
}
