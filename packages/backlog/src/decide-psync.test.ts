import { MIN_REPL_BACKLOG_SIZE } from './defaults';
import { decidePsync, type FullResyncReason } from './decide-psync';
import { ReplicationBacklog } from './replication-backlog';
import { ReplicationIdentity } from './replication-identity';

const ID1 = '1111111111111111111111111111111111111111';
const ID2 = 'abcdefabcdefabcdefabcdefabcdefabcdefabcd';
const OTHER = '9999999999999999999999999999999999999999';
const MIN = MIN_REPL_BACKLOG_SIZE;

/** A backlog holding offsets 501 .. 1000 (histlen 500), ids ID1 / ID2 valid up to 800. */
function setup() {
  const ids = new ReplicationIdentity({ replid: ID1, replid2: ID2, secondReplOffset: 800 });
  const backlog = new ReplicationBacklog({ size: MIN, startOffset: 500 });
  backlog.append(Buffer.alloc(500, 'x'));
  return { ids, backlog };
}

describe('decidePsync: the §2.2 decision table', () => {
  const { ids, backlog } = setup();
  const cases: Array<[string, string, number, FullResyncReason | number]> = [
    // name, id, offset, expected reason or (continue) expected length
    ['replid, first byte', ID1, 501, 500],
    ['replid, middle (inside a command)', ID1, 777, 224],
    ['replid, last byte', ID1, 1000, 1],
    ['replid, offset == end + 1: nothing missing', ID1, 1001, 0],
    ['replid, offset past the end', ID1, 1002, 'offset-past-end'],
    ['replid, far past the end', ID1, 2 ** 40, 'offset-past-end'],
    ['replid, before the first byte', ID1, 500, 'offset-before-backlog'],
    ['replid, offset 0', ID1, 0, 'offset-before-backlog'],
    ['replid, offset -1', ID1, -1, 'offset-before-backlog'],
    ['replid upper case', ID1.toUpperCase(), 900, 101],
    ['replid2, below the bound', ID2, 700, 301],
    ['replid2, off == second_replid_offset (inclusive)', ID2, 800, 201],
    ['replid2, off == second_replid_offset + 1', ID2, 801, 'replid2-offset-bound'],
    ['replid2 upper case', ID2.toUpperCase(), 800, 201],
    ['replid2, in bound but before the backlog', ID2, 400, 'offset-before-backlog'],
    ['unknown id', OTHER, 900, 'replid-mismatch'],
    ['unknown id, 39 chars of replid', ID1.slice(1), 900, 'replid-mismatch'],
    ['empty id', '', 900, 'replid-mismatch'],
    ['? forces a full resync', '?', -1, 'force-full'],
    ['? with a servable offset still forces', '?', 900, 'force-full'],
    ['replid, NaN offset', ID1, Number.NaN, 'invalid-offset'],
    ['replid, fractional offset', ID1, 900.5, 'invalid-offset'],
    ['replid, offset past 2^53', ID1, 2 ** 53, 'invalid-offset'],
  ];

  it.each(cases)('%s', (_name, replid, offset, expected) => {
    const d = decidePsync({ replid, offset }, ids, backlog);
    if (typeof expected === 'number') {
      expect(d).toEqual({
        kind: 'continue',
        replid: ID1,
        fromOffset: offset,
        length: expected,
        matchedReplid2: replid.toLowerCase() === ID2,
      });
      // the decision's length is what the backlog serves from that offset
      expect(Buffer.concat(backlog.read(offset))).toHaveLength(expected);
    } else {
      expect(d.kind).toBe('fullresync');
      if (d.kind === 'fullresync') {
        expect(d.reason).toBe(expected);
        expect(d.message.length).toBeGreaterThan(0);
      }
    }
  });

  it('agrees with backlog.canServe whenever the id matches', () => {
    for (let off = 495; off <= 1005; off++) {
      const d = decidePsync({ replid: ID1, offset: off }, ids, backlog);
      expect(d.kind === 'continue').toBe(backlog.canServe(off));
    }
  });

  it('no backlog: full resync even with a matching id', () => {
    for (const b of [null, undefined]) {
      const d = decidePsync({ replid: ID1, offset: 1 }, ids, b);
      expect(d).toMatchObject({ kind: 'fullresync', reason: 'no-backlog' });
    }
  });

  it('the id check comes before the backlog check', () => {
    expect(decidePsync({ replid: OTHER, offset: 1 }, ids, null)).toMatchObject({ reason: 'replid-mismatch' });
    expect(decidePsync({ replid: '?', offset: -1 }, ids, null)).toMatchObject({ reason: 'force-full' });
    expect(decidePsync({ replid: ID2, offset: 801 }, ids, null)).toMatchObject({ reason: 'replid2-offset-bound' });
  });

  it('a cleared replid2 (40 zeros, -1) never allows a continue', () => {
    const cleared = new ReplicationIdentity({ replid: ID1 });
    const b = new ReplicationBacklog({ size: MIN });
    b.append(Buffer.alloc(10));
    for (const offset of [-5, -1, 0, 1, 5, 11]) {
      expect(decidePsync({ replid: '0'.repeat(40), offset }, cleared, b).kind).toBe('fullresync');
    }
  });

  it('works with any BacklogRange, not only ReplicationBacklog', () => {
    const range = { firstByteOffset: 2 ** 33, histlen: 10 };
    expect(decidePsync({ replid: ID1, offset: 2 ** 33 + 10 }, ids, range)).toMatchObject({ kind: 'continue', length: 0 });
    expect(decidePsync({ replid: ID1, offset: 2 ** 33 + 11 }, ids, range)).toMatchObject({ reason: 'offset-past-end' });
  });
});

describe('decidePsync: scenarios from protocol.md', () => {
  it('fresh backlog at offset X: only X + 1 continues, with nothing to send', () => {
    const ids = new ReplicationIdentity({ replid: ID1 });
    const backlog = new ReplicationBacklog({ size: MIN, startOffset: 1000 });
    expect(decidePsync({ replid: ID1, offset: 1001 }, ids, backlog)).toMatchObject({ kind: 'continue', length: 0 });
    expect(decidePsync({ replid: ID1, offset: 1000 }, ids, backlog)).toMatchObject({ reason: 'offset-before-backlog' });
    expect(decidePsync({ replid: ID1, offset: 1002 }, ids, backlog)).toMatchObject({ reason: 'offset-past-end' });
  });

  it('promotion: a sibling replica continues with the old id up to the shift offset + 1', () => {
    // the replica has stream bytes 1..999 under the old master's id ID2, then is promoted
    const ids = new ReplicationIdentity({ replid: ID2 });
    const backlog = new ReplicationBacklog({ size: MIN });
    backlog.append(Buffer.alloc(999, 'p'));
    ids.shiftReplid(backlog.masterReplOffset);
    expect(ids.secondReplOffset).toBe(1000);
    const newId = ids.replid;
    // the new master writes 50 more bytes under its new id
    backlog.append(Buffer.alloc(50, 'n'));

    // a sibling that was fully caught up asks for 1000 with the old id: +CONTINUE <new id>, 50 bytes
    expect(decidePsync({ replid: ID2, offset: 1000 }, ids, backlog)).toEqual({
      kind: 'continue',
      replid: newId,
      fromOffset: 1000,
      length: 50,
      matchedReplid2: true,
    });
    // a sibling that was behind: still fine
    expect(decidePsync({ replid: ID2, offset: 900 }, ids, backlog)).toMatchObject({ kind: 'continue', length: 150 });
    // a sibling that claims bytes past the shift under the old id diverged: full resync
    expect(decidePsync({ replid: ID2, offset: 1001 }, ids, backlog)).toMatchObject({ reason: 'replid2-offset-bound' });
    // the new id works for any servable offset
    expect(decidePsync({ replid: newId, offset: 1049 }, ids, backlog)).toMatchObject({ kind: 'continue', length: 1 });
  });

  it('master creating its backlog for the first replica changes its id: old replicas need a full sync', () => {
    const ids = new ReplicationIdentity({ replid: ID1 });
    const old = ids.replid;
    ids.changeReplid();
    ids.clearReplid2();
    const backlog = new ReplicationBacklog({ size: MIN, startOffset: 0 });
    expect(decidePsync({ replid: old, offset: 1 }, ids, backlog)).toMatchObject({ reason: 'replid-mismatch' });
  });
});
