import { CLEARED_REPLID } from './defaults';
import { BacklogError } from './errors';
import { generateReplid, isValidReplid, ReplicationIdentity, replidEquals } from './replication-identity';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = '0123456789abcdef0123456789abcdef01234567';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BacklogError);
    return (err as BacklogError).code;
  }
  return undefined;
}

describe('replication ids', () => {
  it('generateReplid gives 40 lowercase hex chars, different each time', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const id = generateReplid();
      expect(id).toMatch(/^[0-9a-f]{40}$/);
      ids.add(id);
    }
    expect(ids.size).toBe(100);
  });

  it('isValidReplid accepts exactly 40 hex characters in either case', () => {
    expect(isValidReplid(C)).toBe(true);
    expect(isValidReplid(C.toUpperCase())).toBe(true);
    expect(isValidReplid(CLEARED_REPLID)).toBe(true);
    expect(isValidReplid(C.slice(1))).toBe(false);
    expect(isValidReplid(`${C}0`)).toBe(false);
    expect(isValidReplid('?')).toBe(false);
    expect(isValidReplid(`${C.slice(1)}g`)).toBe(false);
    expect(isValidReplid(42)).toBe(false);
  });

  it('replidEquals is ASCII case-insensitive like strcasecmp, and nothing more', () => {
    expect(replidEquals(C, C.toUpperCase())).toBe(true);
    expect(replidEquals('AbC', 'aBc')).toBe(true);
    expect(replidEquals('abc', 'abd')).toBe(false);
    expect(replidEquals('abc', 'abcd')).toBe(false);
    expect(replidEquals('@', '`')).toBe(false); // 0x40 vs 0x60: only letters fold
    expect(replidEquals('[', '{')).toBe(false);
    expect(replidEquals('\u0130', 'i')).toBe(false); // no Unicode folding
    expect(replidEquals('\u212a', 'k')).toBe(false); // Kelvin sign
  });
});

describe('ReplicationIdentity', () => {
  it('starts with a random replid and a cleared replid2', () => {
    const id = new ReplicationIdentity();
    expect(id.replid).toMatch(/^[0-9a-f]{40}$/);
    expect(id.isValidReplid()).toBe(true);
    expect(id.replid2).toBe('0'.repeat(40));
    expect(id.secondReplOffset).toBe(-1);
    expect(id.hasReplid2).toBe(false);
  });

  it('changeReplid gives a new random id and leaves replid2 alone', () => {
    const id = new ReplicationIdentity({ replid: A, replid2: B, secondReplOffset: 10 });
    const next = id.changeReplid();
    expect(next).not.toBe(A);
    expect(id.replid).toBe(next);
    expect(id.replid2).toBe(B);
    expect(id.secondReplOffset).toBe(10);
  });

  it('clearReplid2 sets 40 zeros and -1', () => {
    const id = new ReplicationIdentity({ replid: A, replid2: B, secondReplOffset: 10 });
    expect(id.hasReplid2).toBe(true);
    id.clearReplid2();
    expect(id.replid2).toBe(CLEARED_REPLID);
    expect(id.secondReplOffset).toBe(-1);
    expect(id.replid).toBe(A);
  });

  it('shiftReplid on promotion: replid2 := replid, second := offset + 1, new random replid', () => {
    // protocol.md §5.2: at offset 999 -> master_replid2:<old>, second_repl_offset:1000
    const id = new ReplicationIdentity({ replid: A });
    id.shiftReplid(999);
    expect(id.replid2).toBe(A);
    expect(id.secondReplOffset).toBe(1000);
    expect(id.replid).not.toBe(A);
    expect(id.replid).toMatch(/^[0-9a-f]{40}$/);
  });

  it('shiftReplid with a given id: a replica reading +CONTINUE <new id>', () => {
    // protocol.md §2.3: master_replid2:bbbb..., second_repl_offset:551
    const id = new ReplicationIdentity({ replid: B });
    id.shiftReplid(550, C.toUpperCase());
    expect(id.replid2).toBe(B);
    expect(id.secondReplOffset).toBe(551);
    expect(id.replid).toBe(C.toUpperCase()); // kept verbatim
  });

  it('setReplid / setReplid2 for full sync and restart from RDB aux fields', () => {
    const id = new ReplicationIdentity();
    id.setReplid(A);
    id.clearReplid2();
    expect(id.toJSON()).toEqual({ replid: A, replid2: CLEARED_REPLID, secondReplOffset: -1 });
    id.setReplid2(B, 101); // repl-id B, repl-offset 100
    expect(id.toJSON()).toEqual({ replid: A, replid2: B, secondReplOffset: 101 });
  });

  it('rejects invalid ids and offsets with typed errors', () => {
    expect(codeOf(() => new ReplicationIdentity({ replid: 'xyz' }))).toBe('ERR_BACKLOG_INVALID_REPLID');
    expect(codeOf(() => new ReplicationIdentity({ replid2: '?' }))).toBe('ERR_BACKLOG_INVALID_REPLID');
    expect(codeOf(() => new ReplicationIdentity({ secondReplOffset: -2 }))).toBe('ERR_BACKLOG_INVALID_OFFSET');
    const id = new ReplicationIdentity({ replid: A });
    expect(codeOf(() => id.setReplid('?'))).toBe('ERR_BACKLOG_INVALID_REPLID');
    expect(codeOf(() => id.shiftReplid(-1))).toBe('ERR_BACKLOG_INVALID_OFFSET');
    expect(codeOf(() => id.shiftReplid(1.5))).toBe('ERR_BACKLOG_INVALID_OFFSET');
    expect(codeOf(() => id.shiftReplid(5, 'nope'))).toBe('ERR_BACKLOG_INVALID_REPLID');
    expect(codeOf(() => id.setReplid2(B, Number.NaN))).toBe('ERR_BACKLOG_INVALID_OFFSET');
    expect(id.toJSON()).toEqual({ replid: A, replid2: CLEARED_REPLID, secondReplOffset: -1 });
    try {
      id.setReplid('bad');
    } catch (err) {
      expect(err).toMatchObject({ name: 'BacklogInvalidReplidError', replid: 'bad' });
    }
  });

  it('keeps offsets beyond 2^32 exactly', () => {
    const id = new ReplicationIdentity({ replid: A });
    id.shiftReplid(2 ** 40);
    expect(id.secondReplOffset).toBe(2 ** 40 + 1);
  });
});
