/**
 * The live stream type. Entries live in nodes that mirror Redis's radix-tree-of-listpacks layout
 * (t_stream.c): a node holds up to `stream-node-max-entries` entries (live and deleted) and up to
 * `stream-node-max-bytes` listpack bytes, deleted entries stay in their node as tombstones until
 * the whole node goes. Keeping that layout is what makes approximate trimming (`~`), XINFO's
 * radix-tree counters and tombstone-dependent counters (entries_read, lag) answer like Redis.
 * Consumer groups keep a PEL (id -> consumer, delivery time, delivery count) per group and per
 * consumer.
 */
import type { CollectionValue } from '../command-api';
import { type IdKey, idPart, int64Delta, MAX_ID, MIN_ID } from './stream-id';
import { LP_OVERHEAD, lpIntSize, lpStrSize } from './stream-listpack';
import { appendEntry, cloneNode, compareId, createNode, entryId, isDeleted, markDeleted, readEntry, releaseNode, type StreamEntry, type StreamNode, searchId } from './stream-node';

export type { StreamEntry, StreamNode } from './stream-node';

export interface StreamNack {
  consumer: StreamConsumer | null;
  deliveryTime: number;
  deliveryCount: number;
}

export interface StreamConsumer {
  readonly name: string;
  seenTime: number;
  readonly pel: Map<IdKey, StreamNack>;
}

export interface StreamGroup {
  readonly name: string;
  lastId: IdKey;
  /** -1: unknown (SCG_INVALID_ENTRIES_READ) */
  entriesRead: number;
  readonly pel: Map<IdKey, StreamNack>;
  readonly consumers: Map<string, StreamConsumer>;
}

/** stream-node-max-bytes / stream-node-max-entries (Redis defaults). */
export interface StreamNodeLimits {
  maxBytes: number;
  maxEntries: number;
}

export const STREAM_NODE_LIMITS: StreamNodeLimits = { maxBytes: 4096, maxEntries: 100 };
const STREAM_LISTPACK_MAX_SIZE = 1 << 30;

/** Ids of a map's keys in id order (PELs are Maps; ordered views are built when needed). */
export function sortedIds<V>(m: Map<IdKey, V>): IdKey[] {
  return [...m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function nodeBytes(n: StreamNode): number {
  return LP_OVERHEAD + n.body + lpIntSize(n.live) + lpIntSize(n.deleted);
}

function sameFields(master: readonly string[], argv: readonly string[], from: number): boolean {
  if (master.length * 2 !== argv.length - from) return false;
  for (let i = 0; i < master.length; i++) if (master[i] !== argv[from + i * 2]) return false;
  return true;
}

export class StreamValue implements CollectionValue {
  readonly type = 'stream' as const;
  /** never 0: a stream key is not deleted when empty */
  readonly size = 1;
  nodes: StreamNode[] = [];
  length = 0;
  lastId: IdKey = MIN_ID;
  firstId: IdKey = MIN_ID;
  maxDeletedId: IdKey = MIN_ID;
  entriesAdded = 0;
  readonly groups = new Map<string, StreamGroup>();

  encoding(): string {
    return 'stream';
  }

  clone(): StreamValue {
    const c = new StreamValue();
    c.nodes = this.nodes.map(cloneNode);
    c.length = this.length;
    c.lastId = this.lastId;
    c.firstId = this.firstId;
    c.maxDeletedId = this.maxDeletedId;
    c.entriesAdded = this.entriesAdded;
    for (const g of this.groups.values()) {
      const ng: StreamGroup = { name: g.name, lastId: g.lastId, entriesRead: g.entriesRead, pel: new Map(), consumers: new Map() };
      for (const con of g.consumers.values()) ng.consumers.set(con.name, { name: con.name, seenTime: con.seenTime, pel: new Map() });
      for (const [id, n] of g.pel) {
        const owner = n.consumer === null ? null : (ng.consumers.get(n.consumer.name) as StreamConsumer);
        const nn: StreamNack = { consumer: owner, deliveryTime: n.deliveryTime, deliveryCount: n.deliveryCount };
        ng.pel.set(id, nn);
        owner?.pel.set(id, nn);
      }
      c.groups.set(g.name, ng);
    }
    return c;
  }

  /**
   * streamAppendItem after the id checks: appends to the last node or opens a new one. The fields
   * are `argv[from..]` (field, value, ...). Returns false when the elements are too large (ERANGE).
   */
  append(id: IdKey, argv: readonly string[], limits: StreamNodeLimits = STREAM_NODE_LIMITS, from = 0): boolean {
    let total = 0;
    for (let i = from; i < argv.length; i++) total += argv[i].length;
    if (total > STREAM_LISTPACK_MAX_SIZE) return false;
    const last: StreamNode | undefined = this.nodes[this.nodes.length - 1];
    let node: StreamNode | undefined = last;
    if (node !== undefined) {
      let maxBytes = limits.maxBytes;
      if (maxBytes === 0 || maxBytes > STREAM_LISTPACK_MAX_SIZE) maxBytes = STREAM_LISTPACK_MAX_SIZE;
      if (nodeBytes(node) + total >= maxBytes) node = undefined;
      else if (limits.maxEntries && node.live + node.deleted >= limits.maxEntries) node = undefined;
    }
    let same: boolean;
    if (node === undefined) {
      const masterFields: string[] = [];
      let body = lpIntSize((argv.length - from) / 2) + lpIntSize(0);
      for (let i = from; i < argv.length; i += 2) {
        masterFields.push(argv[i]);
        body += lpStrSize(argv[i]);
      }
      node = createNode(id, masterFields, body, last?.used);
      this.nodes.push(node);
      same = true;
    } else same = sameFields(node.masterFields, argv, from);
    const numfields = (argv.length - from) / 2;
    let body = lpIntSize(same ? 2 : 0);
    body += lpIntSize(int64Delta(idPart(id, 0), node.masterMs));
    body += lpIntSize(int64Delta(idPart(id, 8), node.masterSeq));
    if (!same) body += lpIntSize(numfields);
    for (let i = from; i < argv.length; i += 2) {
      if (!same) body += lpStrSize(argv[i]);
      body += lpStrSize(argv[i + 1]);
    }
    body += lpIntSize(same ? numfields + 3 : numfields * 2 + 4);
    node.body += body;
    appendEntry(node, id, argv, from, same);
    node.live++;
    this.length++;
    this.entriesAdded++;
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
    return true;
  }

  /** Index of the node that would hold `id` (the last node whose master <= id), or -1. */
  private nodeIndex(id: IdKey): number {
    let lo = 0;
    let hi = this.nodes.length - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.nodes[mid].master <= id) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  }

  /** Position (node, entry) of the live entry `id`, or null. */
  private find(id: IdKey): [number, number] | null {
    const ni = this.nodeIndex(id);
    if (ni < 0) return null;
    const node = this.nodes[ni];
    const i = searchId(node, id, false);
    if (i >= node.offs.length || compareId(node, i, id) !== 0 || isDeleted(node, i)) return null;
    return [ni, i];
  }

  /** The live entry with this id, if any. */
  get(id: IdKey): StreamEntry | undefined {
    const at = this.find(id);
    return at === null ? undefined : readEntry(this.nodes[at[0]], at[1]);
  }

  /** Live entries with start <= id <= end, in order (or reverse), at most `count` (0: all). */
  range(start: IdKey, end: IdKey, rev: boolean, count = 0): StreamEntry[] {
    const out: StreamEntry[] = [];
    if (start > end) return out;
    if (!rev) {
      let ni = Math.max(0, this.nodeIndex(start));
      for (; ni < this.nodes.length; ni++) {
        const node = this.nodes[ni];
        const n = node.offs.length;
        for (let i = searchId(node, start, false); i < n; i++) {
          if (compareId(node, i, end) > 0) return out;
          if (isDeleted(node, i)) continue;
          out.push(readEntry(node, i));
          if (count && out.length === count) return out;
        }
      }
    } else {
      for (let ni = this.nodeIndex(end); ni >= 0; ni--) {
        const node = this.nodes[ni];
        for (let i = searchId(node, end, true) - 1; i >= 0; i--) {
          if (compareId(node, i, start) < 0) return out;
          if (isDeleted(node, i)) continue;
          out.push(readEntry(node, i));
          if (count && out.length === count) return out;
        }
      }
    }
    return out;
  }

  /** Calls `f` with every live entry in id order. */
  forEachLive(f: (e: StreamEntry) => void): void {
    for (const node of this.nodes) for (let i = 0; i < node.offs.length; i++) if (!isDeleted(node, i)) f(readEntry(node, i));
  }

  /** streamGetEdgeID(first, tombstones included): the first node's first id, MAX when there is no node. */
  firstEdgeId(): IdKey {
    const n = this.nodes[0];
    return n === undefined ? MAX_ID : entryId(n, 0);
  }

  /** streamLastValidID: the id of the last live entry (0-0 when empty). */
  lastValidId(): IdKey {
    for (let ni = this.nodes.length - 1; ni >= 0; ni--) {
      const node = this.nodes[ni];
      for (let i = node.offs.length - 1; i >= 0; i--) if (!isDeleted(node, i)) return entryId(node, i);
    }
    return MIN_ID;
  }

  /** The first live id, or the max id when there is none (streamGetEdgeID(first, skip tombstones)). */
  firstLiveId(): IdKey {
    for (const node of this.nodes) for (let i = 0; i < node.offs.length; i++) if (!isDeleted(node, i)) return entryId(node, i);
    return MAX_ID;
  }

  /** streamDeleteItem: marks a live entry deleted (dropping its node when it was the last live one). */
  delete(id: IdKey): boolean {
    const at = this.find(id);
    if (at === null) return false;
    const node = this.nodes[at[0]];
    markDeleted(node, at[1]);
    if (node.live === 1) this.nodes.splice(at[0], 1);
    else {
      node.live--;
      node.deleted++;
    }
    this.length--;
    return true;
  }

  /**
   * streamTrim: by MAXLEN (`maxlen` >= 0) or MINID (`minid`), whole nodes first; `approx` stops at
   * the first node that cannot go whole; `limit` (0: none) caps the entries removed. Returns the
   * number of entries removed.
   */
  trim(strategy: 'maxlen' | 'minid', maxlen: number, minid: IdKey, approx: boolean, limit: number): number {
    let deleted = 0;
    const ni = 0;
    while (ni < this.nodes.length) {
      if (strategy === 'maxlen' && this.length <= maxlen) break;
      const node = this.nodes[ni];
      const entries = node.live;
      if (limit && deleted + entries > limit) break;
      let remove: boolean;
      if (strategy === 'maxlen') remove = this.length - entries >= maxlen;
      else remove = compareId(node, node.offs.length - 1, minid) < 0;
      if (remove) {
        this.nodes.splice(ni, 1);
        releaseNode(node);
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (approx) break;
      let fromNode = 0;
      for (let i = 0; i < node.offs.length; i++) {
        const stop = strategy === 'maxlen' ? this.length <= maxlen : compareId(node, i, minid) >= 0;
        if (stop) break;
        if (!isDeleted(node, i)) {
          markDeleted(node, i);
          fromNode++;
          this.length--;
        }
      }
      deleted += fromNode;
      node.live -= fromNode;
      node.deleted += fromNode;
      // the node could not go whole, so nothing after it can be trimmed either
      break;
    }
    if (this.length === 0) this.firstId = MIN_ID;
    else if (deleted) this.firstId = this.firstLiveId();
    return deleted;
  }

  /** streamRangeHasTombstones */
  rangeHasTombstones(start: IdKey, end: IdKey): boolean {
    if (this.length === 0 || this.maxDeletedId === MIN_ID) return false;
    if (this.firstId > this.maxDeletedId) return false;
    return start <= this.maxDeletedId && this.maxDeletedId <= end;
  }

  /** streamEstimateDistanceFromFirstEverEntry; -1 when it cannot be known. */
  estimateDistance(id: IdKey): number {
    if (!this.entriesAdded) return 0;
    if (!this.length && id <= this.lastId) return this.entriesAdded;
    if (id === this.lastId) return this.entriesAdded;
    if (id > this.lastId) return -1;
    if (this.maxDeletedId === MIN_ID || this.maxDeletedId < this.firstId) {
      if (id < this.firstId) return this.entriesAdded - this.length;
      if (id === this.firstId) return this.entriesAdded - this.length + 1;
    }
    return -1;
  }

  /** streamReplyWithCGLag's value, or null when unknown. */
  groupLag(g: StreamGroup): number | null {
    if (!this.entriesAdded) return 0;
    if (g.entriesRead !== -1 && !this.rangeHasTombstones(g.lastId, MAX_ID)) return this.entriesAdded - g.entriesRead;
    const read = this.estimateDistance(g.lastId);
    return read === -1 ? null : this.entriesAdded - read;
  }

  /** Number of radix-tree nodes Redis's rax would have for the node keys (XINFO `radix-tree-nodes`). */
  raxNodes(): number {
    if (this.nodes.length === 0) return 1;
    return countRax(this.nodes.map((n) => n.master), 0, this.nodes.length, 0);
  }
}

/** Nodes of a compressed radix tree over sorted same-length keys[from, to) below depth `d`. */
function countRax(keys: readonly string[], from: number, to: number, d: number): number {
  const len = keys[from].length;
  if (d === len) return 1;
  // common prefix of the range from depth d: one compressed node
  const a = keys[from];
  const b = keys[to - 1];
  let p = d;
  while (p < len && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  if (p > d) return 1 + countRax(keys, from, to, p);
  let n = 1;
  let i = from;
  while (i < to) {
    const c = keys[i].charCodeAt(d);
    let j = i + 1;
    while (j < to && keys[j].charCodeAt(d) === c) j++;
    n += countRax(keys, i, j, d + 1);
    i = j;
  }
  return n;
}
