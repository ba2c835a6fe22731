/**
 * Builds a ServerConfig from redis-server style arguments: an optional config file first, then
 * `--directive value ...` pairs (appended after the file, last one wins), or `-` to read the
 * config from stdin. Errors are reported like redis-server: the line, the text, the reason.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { lookupDirective } from './directives';
import { ConfigFileError, ConfigUnknownDirectiveError, ConfigValueError } from '../errors';
import { ServerConfig } from './server-config';
import { splitConfigArgs } from './split-args';



/** Quotes an argument like sdscatrepr (used to show command-line options in errors). */
export function quoteArg(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const code = s.charCodeAt(i);
    if (c === '\\' || c === '"') out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '\x07') out += '\\a';
    else if (c === '\b') out += '\\b';
    else if (code < 32 || code > 126) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

interface ConfigLine {
  /** 1-based line number in the text being parsed */
  line: number;
  text: string;
}

/** Parses config text (redis.conf syntax) into `config`; `include` is resolved relative to `baseDir`. */
export function applyConfigText(config: ServerConfig, text: string, file: string | null, baseDir: string, depth = 0): void {
  const lines = text.split('\n');
  for (let idx = 0; idx < lines.length; idx++) applyLine(config, { line: idx + 1, text: lines[idx].trim() }, file, baseDir, depth);
}

function applyLine(config: ServerConfig, l: ConfigLine, file: string | null, baseDir: string, depth: number): void {
  if (l.text === '' || l.text.startsWith('#')) return;
  const args = splitConfigArgs(l.text);
  if (args === null) throw new ConfigFileError(l.line, l.text, 'Unbalanced quotes in configuration line', file);
  if (args.length === 0) return;
  const name = args[0].toLowerCase();
  if (name === 'include') {
    if (args.length !== 2) throw new ConfigFileError(l.line, l.text, 'Bad directive or wrong number of arguments', file);
    if (depth > 16) throw new ConfigFileError(l.line, l.text, 'include nesting too deep', file);
    const p = isAbsolute(args[1]) ? args[1] : resolve(baseDir, args[1]);
    let inc: string;
    try {
      inc = readFileSync(p, 'latin1');
    } catch (e) {
      throw new ConfigFileError(l.line, l.text, `Fatal error, can't open config file '${p}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file);
    }
    applyConfigText(config, inc, p, dirname(p), depth + 1);
    return;
  }
  const spec = lookupDirective(name);
  if (!spec || args.length < 2) throw new ConfigFileError(l.line, l.text, 'Bad directive or wrong number of arguments', file);
  try {
    config.set(name, args.slice(1), 'file');
  } catch (e) {
    if (e instanceof ConfigValueError || e instanceof ConfigUnknownDirectiveError) {
      throw new ConfigFileError(l.line, l.text, e instanceof ConfigValueError ? e.reason : e.message, file);
    }
    throw e;
  }
}

/**
 * Turns command-line arguments into config lines the way redis-server does (its
 * handled_last_config_arg rules, including `--save` with no value).
 */
export function argsToConfigLines(args: readonly string[]): string[][] {
  const lines: string[][] = [];
  let handledLast = true;
  for (let j = 0; j < args.length; j++) {
    const a = args[j];
    if (handledLast && a.startsWith('--')) {
      const nameTokens = splitConfigArgs(a.slice(2)) ?? [a.slice(2)];
      lines.push([...nameTokens]);
      if (nameTokens.length === 1) {
        handledLast = false;
        const isSave = a.toLowerCase() === '--save';
        if (isSave && j !== args.length - 1 && args[j + 1].startsWith('--')) {
          lines[lines.length - 1].push('');
          handledLast = true;
        } else if (isSave && j === args.length - 1) {
          lines[lines.length - 1].push('');
        }
      } else handledLast = true;
    } else {
      if (lines.length === 0) lines.push([]);
      lines[lines.length - 1].push(a);
      handledLast = true;
    }
  }
  return lines;
}

export interface LoadedConfig {
  config: ServerConfig;
  /** absolute path of the config file, if one was given */
  configFile: string | null;
}

/**
 * Loads configuration from redis-server style argv (without `node` and the script):
 * `[configfile] [--directive value ...]`. Throws ConfigFileError on any bad line.
 */
export function loadConfigFromArgs(argv: readonly string[], readStdin: () => string = () => readFileSync(0, 'latin1')): LoadedConfig {
  const config = new ServerConfig();
  let rest = argv;
  let configFile: string | null = null;
  let text = '';
  if (rest.length > 0 && !rest[0].startsWith('-')) {
    configFile = resolve(rest[0]);
    try {
      text = readFileSync(configFile, 'latin1');
    } catch (e) {
      throw new ConfigFileError(0, '', `Fatal error, can't open config file '${configFile}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, configFile);
    }
    rest = rest.slice(1);
  }
  const fromStdin = rest.length > 0 && (rest[0] === '-' || rest[rest.length - 1] === '-');
  if (fromStdin) {
    rest = rest.filter((a, i) => !(a === '-' && (i === 0 || i === rest.length - 1)));
    text += readStdin();
  }
  config.configFile = configFile;
  const baseDir = configFile ? dirname(configFile) : process.cwd();
  if (text) applyConfigText(config, text, configFile, baseDir);
  // redis-server appends "\n" + the options to the file text, so option k is at line fileLines + 1 + k
  const fileLines = text ? text.split('\n').length : 1;
  argsToConfigLines(rest).forEach((args, k) => {
    const shown = args.length ? `${args[0]} ${args.slice(1).map(quoteArg).join(' ')}`.trimEnd() : '';
    const lineNo = fileLines + 1 + k;
    if (args.length === 0) return;
    const name = args[0].toLowerCase();
    const spec = lookupDirective(name);
    if (!spec || name === 'include' || args.length < 2) throw new ConfigFileError(lineNo, shown, 'Bad directive or wrong number of arguments', configFile);
    try {
      config.set(name, args.slice(1), 'file');
    } catch (e) {
      if (e instanceof ConfigValueError) throw new ConfigFileError(lineNo, shown, e.reason, configFile);
      throw e;
    }
  });
  return { config, configFile };
}
