import { ACL_CATEGORIES, type AclCommand, type AclCommandIndex, categoryBit } from './acl-command-index';
import { AclSelector, patternString } from './acl-selector';

function countCategory(commands: readonly AclCommand[], s: AclSelector, bit: number, acc: { on: number; off: number }): void {
  for (const cmd of commands) {
    if ((cmd.categories & bit) !== 0) {
      if (s.bit(cmd.fullname)) acc.on++;
      else acc.off++;
    }
    if (cmd.subcommands !== undefined) countCategory(cmd.subcommands, s, bit, acc);
  }
}

function singleCommands(s: AclSelector, fake: AclSelector, commands: readonly AclCommand[], out: string[]): void {
  for (const cmd of commands) {
    const userbit = s.bit(cmd.fullname);
    if (userbit !== fake.bit(cmd.fullname)) {
      out.push(`${userbit ? '+' : '-'}${cmd.fullname}`);
      fake.changePerm(cmd, userbit);
    }
    if (cmd.subcommands !== undefined) singleCommands(s, fake, cmd.subcommands, out);
    const args = userbit ? undefined : s.firstArgs?.get(cmd.fullname);
    for (const a of args ?? []) out.push(`+${cmd.fullname}|${a}`);
  }
}

/**
 * ACLDescribeSelectorCommandRules: `+@all` or `-@all`, then the categories that best fit the
 * bitmap (each one sharing more commands with it than it differs by, fewest differences first),
 * then single commands and first arguments for what is left. Commands are visited in table
 * order (Redis visits its command dict in hash order, so the single-command tail may be ordered
 * differently there).
 */
export function describeCommandRules(index: AclCommandIndex, s: AclSelector): string {
  const commands = index.commands();
  const out: string[] = [];
  const additive = !s.futureCommands;
  const fake = new AclSelector(false, false);
  fake.setAll(!additive);
  out.push(additive ? '-@all' : '+@all');
  const temp = new AclSelector(false, false);
  temp.base = s.base;
  for (const f of s.flipped) temp.flipped.add(f);
  const applied = new Set<string>();
  for (;;) {
    let best: string | undefined;
    let mindiff = Number.MAX_SAFE_INTEGER;
    let maxsame = 0;
    for (const cat of ACL_CATEGORIES) {
      if (applied.has(cat)) continue;
      const acc = { on: 0, off: 0 };
      countCategory(commands, temp, categoryBit(cat), acc);
      const diff = additive ? acc.off : acc.on;
      const same = additive ? acc.on : acc.off;
      if (same > diff && (diff < mindiff || (diff === mindiff && same > maxsame))) {
        best = cat;
        mindiff = diff;
        maxsame = same;
      }
    }
    if (best === undefined) break;
    const bit = categoryBit(best);
    fake.setCategory(commands, bit, additive);
    temp.setCategory(commands, bit, !additive);
    out.push(`${additive ? '+' : '-'}@${best}`);
    applied.add(best);
  }
  singleCommands(s, fake, commands, out);
  return out.join(' ');
}

/** ACLDescribeSelector: keys, channels, then command rules (the ACL LIST form). */
export function describeSelector(index: AclCommandIndex, s: AclSelector): string {
  let res = '';
  if (s.allKeys) res += '~* ';
  else for (const p of s.patterns) res += `${patternString(p)} `;
  if (s.allChannels) res += '&* ';
  else {
    res += 'resetchannels ';
    for (const c of s.channels) res += `&${c} `;
  }
  return res + describeCommandRules(index, s);
}
