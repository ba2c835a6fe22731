/**
 * The adapter's aux records (StorageAdapter.putAux/getAux: dataset-level records that are not keys,
 * e.g. the server's function libraries). Each lives in the meta table as `aux:<name>` (its bytes),
 * written by the transaction of the commit point that ends the unit it was put in, with that unit's
 * keys and position. A file without any (older files) holds none. A file emptied at open because a
 * bulk unit was cut short (the load-in-progress marker) holds none either: that unit replaced the
 * whole dataset, these records included.
 */
import type { Database, RootDatabase } from 'lmdb';

const PREFIX = 'aux:';
/** the first string key after every `aux:` key */
const END = 'aux;';

export class AuxRecords {
  /** every record as last put */
  private readonly values = new Map<string, Buffer>();
  /** records put since the last written transaction (null: removed) */
  private dirty = new Map<string, Buffer | null>();

  /** Reads the records of an opened file; `discarded`: the file was emptied at open, so are they. */
  open(env: RootDatabase, meta: Database, discarded: boolean): void {
    const names: string[] = [];
    for (const { key, value } of meta.getRange({ start: PREFIX, end: END })) {
      if (typeof key !== 'string' || !key.startsWith(PREFIX)) continue;
      names.push(key);
      if (!discarded) this.values.set(key.slice(PREFIX.length), Buffer.from(value as Uint8Array));
    }
    if (discarded && names.length !== 0) {
      env.transactionSync(() => {
        for (const k of names) meta.removeSync(k);
      });
    }
  }

  /** The record as last put, or undefined. */
  get(name: string): Uint8Array | undefined {
    return this.values.get(name);
  }

  /** Replaces (null: removes) a record; written by the next transaction of a commit point. */
  put(name: string, value: Uint8Array | null): void {
    // a copy: the caller may reuse its buffer before the commit point
    const v = value === null ? null : Buffer.from(value);
    if (v === null) this.values.delete(name);
    else this.values.set(name, v);
    this.dirty.set(name, v);
  }

  /** Inside the commit transaction: writes the records put since the last one. */
  write(meta: Database): void {
    for (const [name, v] of this.dirty) {
      if (v === null) meta.removeSync(PREFIX + name);
      else meta.putSync(PREFIX + name, v);
    }
  }

  /** After the transaction that wrote them committed (an aborted one leaves them for the next). */
  written(): void {
    if (this.dirty.size !== 0) this.dirty = new Map();
  }
}
