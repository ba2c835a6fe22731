/** Per-command counters (INFO commandstats). */
export interface CommandStat {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}

/** The epochs of every ServerStats: a new one at construction and at each reset(). */
let lastEpoch = 0;

/** The parts of a command table entry ServerStats.forEntry reads and caches in. */
export interface StatSlot {
  readonly fullname: string;
  statCache: CommandStat | undefined;
  statEpoch: number;
}

/** The full/partial resync counters (the shape of the ReplicationNode's `counters`). */
export interface SyncCounters {
  syncFull: number;
  syncPartialOk: number;
  syncPartialErr: number;
}

/** Counters the INFO builders read (INFO stats, commandstats, errorstats); CONFIG RESETSTAT resets them. */
export class ServerStats {
  totalConnectionsReceived = 0;
  totalCommandsProcessed = 0;
  rejectedConnections = 0;
  /** bytes read from clients (not from our master: that is `netReplInputBytes`) */
  netInputBytes = 0;
  /** bytes written to clients that are not replicas */
  netOutputBytes = 0;
  /** bytes of the replication stream read from our master (total_net_repl_input_bytes) */
  netReplInputBytes = 0;
  /** bytes written to replicas: payloads, the stream, replies after PSYNC (total_net_repl_output_bytes) */
  netReplOutputBytes = 0;
  /**
   * sync_full (full resyncs served), sync_partial_ok (PSYNCs answered +CONTINUE), sync_partial_err
   * (partial resyncs asked for and refused): the ReplicationNode's counters once one is attached.
   */
  sync: SyncCounters = { syncFull: 0, syncPartialOk: 0, syncPartialErr: 0 };
  totalErrorReplies = 0;
  /** clients closed because of client-output-buffer-limit */
  clientOutputBufferLimitDisconnections = 0;
  /** clients closed because of client-query-buffer-limit */
  clientQueryBufferLimitDisconnections = 0;
  readonly commands = new Map<string, CommandStat>();
  /** error prefix (`ERR`, `WRONGTYPE`) -> count */
  readonly errors = new Map<string, number>();
  /**
   * Changes at reset() and differs between instances: a counter object cached on a command
   * table entry (forEntry) is this instance's current one while the entry's epoch matches.
   */
  private epoch = ++lastEpoch;

  /** command() for a table entry, cached on the entry (the per-call path). */
  forEntry(e: StatSlot): CommandStat {
    if (e.statEpoch === this.epoch) return e.statCache as CommandStat;
    const s = this.command(e.fullname);
    e.statCache = s;
    e.statEpoch = this.epoch;
    return s;
  }

  command(fullname: string): CommandStat {
    let s = this.commands.get(fullname);
    if (s === undefined) {
      s = { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0 };
      this.commands.set(fullname, s);
    }
    return s;
  }

  error(prefix: string): void {
    this.totalErrorReplies++;
    this.errors.set(prefix, (this.errors.get(prefix) ?? 0) + 1);
  }

  reset(): void {
    this.totalConnectionsReceived = 0;
    this.totalCommandsProcessed = 0;
    this.rejectedConnections = 0;
    this.netInputBytes = 0;
    this.netOutputBytes = 0;
    this.netReplInputBytes = 0;
    this.netReplOutputBytes = 0;
    this.sync.syncFull = 0;
    this.sync.syncPartialOk = 0;
    this.sync.syncPartialErr = 0;
    this.totalErrorReplies = 0;
    this.clientOutputBufferLimitDisconnections = 0;
    this.clientQueryBufferLimitDisconnections = 0;
    this.commands.clear();
    this.errors.clear();
    this.epoch = ++lastEpoch;
  }
}
