/**
 * The live configuration of a server: typed values for every directive of DIRECTIVES, parsed and
 * validated with Redis 7.0's rules and reasons, settable from a config file, `--directive` args
 * and CONFIG SET, and formatted for CONFIG GET / REWRITE.
 */
import { ConfigUnknownDirectiveError, ConfigValueError } from '../errors';
import { DIRECTIVES, lookupDirective, type DirectiveSpec, type DirectiveValue } from './directives';
import { parseMemory } from './memory-units';
import { splitConfigArgs } from './split-args';



export type ConfigChangeListener = (name: string, value: DirectiveValue) => void;

/**
 * An apply step of CONFIG SET (Redis's apply functions): called once every value of the command
 * is set, with the canonical names changed; a returned failure makes CONFIG SET restore the old
 * values and answer `-ERR CONFIG SET failed (possibly related to argument '<name>') - <reason>`.
 */
export type ConfigApplyCheck = (changed: readonly string[]) => { name: string; reason: string } | undefined;

function parseValue(spec: DirectiveSpec, args: readonly string[], current: DirectiveValue): DirectiveValue {
  if (!spec.multiArg && spec.kind !== 'custom' && args.length !== 1) throw new ConfigValueError(spec.name, 'wrong number of arguments');
  const unsupported = spec.unsupported?.(args);
  if (unsupported) throw new ConfigValueError(spec.name, unsupported);
  const a = args[0] ?? '';
  switch (spec.kind) {
    case 'bool': {
      const l = a.toLowerCase();
      if (l === 'yes') return true;
      if (l === 'no') return false;
      throw new ConfigValueError(spec.name, "argument must be 'yes' or 'no'");
    }
    case 'int':
    case 'memory': {
      let n: number | null;
      if (spec.kind === 'int') n = /^-?\d+$/.test(a) && Number.isSafeInteger(Number(a)) ? Number(a) : null;
      else n = parseMemory(a);
      if (n === null) {
        throw new ConfigValueError(spec.name, spec.kind === 'memory' ? 'argument must be a memory value' : "argument couldn't be parsed into an integer");
      }
      const min = spec.min ?? Number.MIN_SAFE_INTEGER;
      const max = spec.max ?? Number.MAX_SAFE_INTEGER;
      if (n < min && spec.clampMin) return min;
      // the table's LLONG_MAX is Number.MAX_SAFE_INTEGER; Redis's message names the real bound
      const maxText = max === Number.MAX_SAFE_INTEGER ? '9223372036854775807' : String(max);
      if (n < min || n > max) throw new ConfigValueError(spec.name, `argument must be between ${min} and ${maxText} inclusive`);
      return n;
    }
    case 'enum': {
      const l = a.toLowerCase();
      if (spec.enumValues?.includes(l)) return l;
      throw new ConfigValueError(spec.name, `argument(s) must be one of the following: ${spec.enumValues?.join(', ')}`);
    }
    case 'string':
      return a;
    case 'custom':
      try {
        return spec.parse ? spec.parse(args, current) : [...args];
      } catch (e) {
        throw new ConfigValueError(spec.name, (e as Error).message);
      }
  }
}

function formatValue(spec: DirectiveSpec, v: DirectiveValue): string {
  if (spec.format) return spec.format(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (v === null || v === undefined) return '';
  return String(v);
}

export class ServerConfig {
  private readonly values = new Map<string, DirectiveValue>();
  private readonly listeners = new Set<ConfigChangeListener>();
  private readonly applyChecks = new Set<ConfigApplyCheck>();
  /** directives set from a file or args (for CONFIG REWRITE) */
  readonly explicitlySet = new Set<string>();
  /** absolute path of the config file, when started with one */
  configFile: string | null = null;

  constructor() {
    for (const d of DIRECTIVES) {
      if (d.name === 'include') continue;
      const defArgs = d.multiArg && d.defaultText !== '' ? (splitConfigArgs(d.defaultText) ?? []) : [d.defaultText];
      this.values.set(d.name, parseValue(d, defArgs, null));
    }
    this.values.set('user', []);
  }

  /** The parsed value of a directive (canonical name or alias). */
  get<T extends DirectiveValue = DirectiveValue>(name: string): T {
    const spec = lookupDirective(name);
    if (!spec) throw new ConfigUnknownDirectiveError(name);
    return this.values.get(spec.name) as T;
  }

  getNumber(name: string): number {
    return this.get<number>(name);
  }

  getBool(name: string): boolean {
    return this.get<boolean>(name);
  }

  getString(name: string): string {
    return this.get<string>(name);
  }

  /** The value as CONFIG GET prints it. */
  getText(name: string): string {
    const spec = lookupDirective(name);
    if (!spec) throw new ConfigUnknownDirectiveError(name);
    return formatValue(spec, this.values.get(spec.name) ?? null);
  }

  /**
   * Sets a directive from its textual arguments. `runtime` is CONFIG SET (immutable directives are
   * refused). A single non-empty argument of a multi-argument directive is split on spaces
   * (`--replicaof "127.0.0.1 6379"`, `CONFIG SET save "3600 1"`), like Redis.
   */
  set(name: string, args: readonly string[], source: 'file' | 'runtime' = 'file'): void {
    const spec = lookupDirective(name);
    if (!spec || spec.name === 'include') throw new ConfigUnknownDirectiveError(name);
    if (source === 'runtime' && spec.immutable) throw new ConfigValueError(spec.name, "can't set immutable config");
    let a = args;
    if (spec.multiArg && a.length === 1 && a[0] !== '') a = splitConfigArgs(a[0]) ?? a;
    const value = parseValue(spec, a, this.values.get(spec.name) ?? null);
    this.values.set(spec.name, value);
    this.explicitlySet.add(spec.name);
    for (const l of this.listeners) l(spec.name, value);
  }

  /** Validates without applying (CONFIG SET of several pairs is all-or-nothing). */
  validate(name: string, args: readonly string[], source: 'file' | 'runtime' = 'runtime'): void {
    const spec = lookupDirective(name);
    if (!spec || spec.name === 'include') throw new ConfigUnknownDirectiveError(name);
    if (source === 'runtime' && spec.immutable) throw new ConfigValueError(spec.name, "can't set immutable config");
    let a = args;
    if (spec.multiArg && a.length === 1 && a[0] !== '') a = splitConfigArgs(a[0]) ?? a;
    parseValue(spec, a, this.values.get(spec.name) ?? null);
  }

  /** Every visible directive with its CONFIG GET text, canonical names only. */
  entries(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const d of DIRECTIVES) if (!d.hidden) out.push([d.name, formatValue(d, this.values.get(d.name) ?? null)]);
    return out;
  }

  /** Registers an apply step of CONFIG SET (see ConfigApplyCheck); returns the unregister function. */
  onApplyCheck(check: ConfigApplyCheck): () => void {
    this.applyChecks.add(check);
    return () => this.applyChecks.delete(check);
  }

  /** Runs the apply steps for directives CONFIG SET just changed; the first failure, if any. */
  checkApply(changed: readonly string[]): { name: string; reason: string } | undefined {
    for (const check of this.applyChecks) {
      const failed = check(changed);
      if (failed !== undefined) return failed;
    }
    return undefined;
  }

  /** Called after every successful set with the canonical name and the new value. */
  onChange(listener: ConfigChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
