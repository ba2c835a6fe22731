/**
 * STREAM_LISTPACKS_3 (type 21, RDB 11/12) stores each consumer's active-time; the model keeps it as
 * `StreamConsumer.activeTime`. The writer writes type 19 (no such field) at any version: it ignores it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDumpPayload, parseDumpPayload } from '../dump/dump-payload';
import type { StreamValue } from '../model';
import { writeRdbToBuffer } from '../writer/rdb-writer';
import { readRdbBuffer } from './read-rdb';

const fixture = join(__dirname, '..', '..', 'fixtures', 'v11-set-listpack-stream3.rdb');

function streamOf(file: ReturnType<typeof readRdbBuffer>): { value: StreamValue; typeId: number } {
  const i = file.entries.findIndex((e) => e.value.type === 'stream');
  return { value: (file.entries[i].value as { value: StreamValue }).value, typeId: file.typeIds[i] };
}

describe('StreamConsumer.activeTime', () => {
  it('is read from STREAM_LISTPACKS_3 (RDB 11)', () => {
    const { value, typeId } = streamOf(readRdbBuffer(readFileSync(fixture)));
    expect(typeId).toBe(21);
    expect(value.groups[0].consumers[0]).toEqual({ name: Buffer.from('c1'), seenTime: 1700000001000n, activeTime: 1700000001001n, pending: [{ ms: 100n, seq: 0n }] });
  });

  it('is ignored by the writer (type 19 at RDB 10 and 12, and in DUMP payloads): reads back absent', () => {
    const file = readRdbBuffer(readFileSync(fixture));
    const entries = file.entries.filter((e) => e.value.type === 'stream');
    for (const rdbVersion of [10, 12]) {
      const back = streamOf(readRdbBuffer(writeRdbToBuffer(entries, { rdbVersion })));
      expect(back.typeId).toBe(19);
      const c = back.value.groups[0].consumers[0];
      expect(c.activeTime).toBeUndefined();
      expect('activeTime' in c).toBe(false);
      expect(c.seenTime).toBe(1700000001000n);
    }
    const dumped = parseDumpPayload(createDumpPayload(entries[0].value)) as { value: StreamValue };
    expect(dumped.value.groups[0].consumers[0].activeTime).toBeUndefined();
  });
});
