import { ACL_DENIED_AUTH, ACL_DENIED_CHANNEL, ACL_DENIED_CMD, ACL_DENIED_KEY } from './acl-user';

/** Where a refusal happened (ACL_LOG_CTX_*). */
export type AclLogContext = 'toplevel' | 'multi' | 'lua' | 'module';

export interface AclLogEntry {
  count: number;
  readonly reason: number;
  readonly context: AclLogContext;
  /** the command name, key, channel, or `AUTH` for a failed authentication */
  readonly object: string;
  readonly username: string;
  /** unix ms of the last occurrence */
  ctime: number;
  /** CLIENT INFO line of the last client */
  clientInfo: string;
}

/** entries at most this far apart in time are merged (ACL_LOG_GROUPING_MAX_TIME_DELTA) */
const GROUPING_MS = 60000;

export function reasonName(reason: number): string {
  switch (reason) {
    case ACL_DENIED_CMD:
      return 'command';
    case ACL_DENIED_KEY:
      return 'key';
    case ACL_DENIED_CHANNEL:
      return 'channel';
    case ACL_DENIED_AUTH:
      return 'auth';
    default:
      return 'unknown';
  }
}

/**
 * The ACL LOG: newest first, at most `maxLen` entries (acllog-max-len). A refusal like one of
 * the 10 newest entries (same reason, context, object and user, within 60 s) bumps its count and
 * moves it to the front instead of adding an entry.
 */
export class AclLog {
  private entries: AclLogEntry[] = [];

  constructor(public maxLen = 128) {}

  add(e: Omit<AclLogEntry, 'count'>): void {
    const scan = Math.min(10, this.entries.length);
    for (let i = 0; i < scan; i++) {
      const cur = this.entries[i] as AclLogEntry;
      if (
        cur.reason === e.reason &&
        cur.context === e.context &&
        Math.abs(cur.ctime - e.ctime) <= GROUPING_MS &&
        cur.object === e.object &&
        cur.username === e.username
      ) {
        this.entries.splice(i, 1);
        cur.count++;
        cur.ctime = e.ctime;
        cur.clientInfo = e.clientInfo;
        this.entries.unshift(cur);
        return;
      }
    }
    this.entries.unshift({ ...e, count: 1 });
    if (this.entries.length > this.maxLen) this.entries.length = this.maxLen;
  }

  reset(): void {
    this.entries = [];
  }

  list(count: number): readonly AclLogEntry[] {
    return this.entries.slice(0, Math.max(0, count));
  }

  get size(): number {
    return this.entries.length;
  }
}
