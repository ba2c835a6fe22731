import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import type { AclCommandIndex } from './acl-command-index';
import { hasSpaces, ruleFailureText } from './acl-selector';
import { AclUser } from './acl-user';

/**
 * ACLMergeSelectorArguments: a selector may be spread over several arguments (`(~a` `+get)`);
 * they are joined with spaces. Returns the index of an unclosed `(` instead when there is one.
 */
export function mergeSelectorArgs(args: readonly string[]): string[] | { unmatched: number } {
  const out: string[] = [];
  let open = -1;
  let selector = '';
  for (let j = 0; j < args.length; j++) {
    const op = args[j] as string;
    if (op[0] === '(' && op[op.length - 1] !== ')') {
      selector = op;
      open = j;
      continue;
    }
    if (open !== -1) {
      selector += ` ${op}`;
      if (op[op.length - 1] === ')') {
        open = -1;
        out.push(selector);
      }
      continue;
    }
    out.push(op);
  }
  if (open !== -1) return { unmatched: open };
  return out;
}

/**
 * ACLLoadFromFile's parsing: every non-blank line is `user <name> <rules...>` split on single
 * spaces. Returns the users (the staging set) or Redis's error text (all problems, then the
 * "no change" warning).
 */
export function parseAclFile(text: string, filename: string, index: AclCommandIndex, pubsubDefaultAll: boolean): Map<string, AclUser> | string {
  const users = new Map<string, AclUser>();
  let errors = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const linenum = i + 1;
    const line = (lines[i] as string).replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (line === '') continue;
    const argv = line.split(' ');
    if (argv[0] !== 'user' || argv.length < 2) {
      errors += `${filename}:${linenum} should start with user keyword followed by the username. `;
      continue;
    }
    const name = argv[1] as string;
    if (hasSpaces(name)) {
      errors += `'${filename}:${linenum}: username '${name}' contains invalid characters. `;
      continue;
    }
    if (users.has(name)) {
      errors += `WARNING: Duplicate user '${name}' found on line ${linenum}. `;
      continue;
    }
    const u = new AclUser(name, pubsubDefaultAll);
    users.set(name, u);
    const merged = mergeSelectorArgs(argv.slice(2));
    if (!Array.isArray(merged)) {
      errors += `${filename}:${linenum}: Unmatched parenthesis in selector definition.`;
      continue;
    }
    let syntaxError = false;
    for (const raw of merged) {
      const op = raw.replace(/^[\t\r\n]+|[\t\r\n]+$/g, '');
      const refusal = u.apply(index, op);
      if (refusal === undefined) continue;
      if (refusal.reason === 'ENOENT') errors += `${filename}:${linenum}: Error in applying operation '${op}': ${ruleFailureText(refusal.reason)}. `;
      else if (!syntaxError) {
        errors += `${filename}:${linenum}: ${ruleFailureText(refusal.reason)}. `;
        syntaxError = true;
      }
    }
  }
  if (errors !== '') return `${errors}WARNING: ACL errors detected, no change to the previously active ACL rules was performed`;
  return users;
}

/** Reads an ACL file; the error text Redis gives when it cannot be opened. */
export function readAclFile(filename: string): string | { error: string } {
  try {
    return readFileSync(filename, 'latin1');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const text = code === 'ENOENT' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : code === 'EISDIR' ? 'Is a directory' : String((err as Error).message);
    return { error: `Error loading ACLs, opening file '${filename}': ${text}` };
  }
}

/** ACLSaveToFile: `user <name> <rules>` lines in name order, written to a temp file then renamed. */
export function writeAclFile(filename: string, lines: readonly string[]): boolean {
  const tmp = `${filename}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(tmp, lines.map((l) => `${l}\n`).join(''), { encoding: 'latin1', mode: 0o644 });
    renameSync(tmp, filename);
    return true;
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // the temp file was never created
    }
    return false;
  }
}
