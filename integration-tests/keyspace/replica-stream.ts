/**
 * A raw fake replica for propagation tests: PSYNC against a real redis-server, skip the RDB, then
 * read the command stream as argv arrays with the database each one applies to.
 */
import { RedisConn } from './redis-conn';
import { type Frame, parseFrame } from './resp';

export interface StreamCommand {
  db: number;
  argv: string[];
}

export class ReplicaStream {
  private db = 0;
  private constructor(private readonly conn: RedisConn) {}

  static async attach(port: number): Promise<ReplicaStream> {
    const conn = await RedisConn.open(port);
    await conn.call('PING');
    await conn.call('REPLCONF', 'capa', 'eof', 'capa', 'psync2');
    conn.send(['PSYNC', '?', '-1']);
    const s = new ReplicaStream(conn);
    await s.skipPayload();
    return s;
  }

  private async skipPayload(): Promise<void> {
    // redis-server forks for the payload: seconds on a loaded CI machine running other suites
    const deadline = Date.now() + 30000;
    let stage: 'fullresync' | 'bulk' = 'fullresync';
    for (;;) {
      if (Date.now() > deadline) throw new Error('timeout reading the sync payload');
      let buf = this.conn.peekBuffer();
      let lead = 0;
      while (buf[lead] === '\n') lead++;
      if (lead) {
        this.conn.consume(lead);
        buf = this.conn.peekBuffer();
      }
      const nl = buf.indexOf('\r\n');
      if (nl >= 0 && stage === 'fullresync') {
        if (!buf.startsWith('+FULLRESYNC')) throw new Error(`unexpected ${JSON.stringify(buf.slice(0, 60))}`);
        this.conn.consume(nl + 2);
        stage = 'bulk';
        continue;
      }
      if (nl >= 0 && stage === 'bulk') {
        if (buf[0] !== '$' || buf.startsWith('$EOF:')) throw new Error('use repl-diskless-sync no');
        const len = Number(buf.slice(1, nl));
        if (buf.length >= nl + 2 + len) {
          this.conn.consume(nl + 2 + len);
          return;
        }
      }
      await this.conn.waitData(50);
    }
  }

  /** Reads commands until `until` matches one (not included); pings and SELECTs are consumed. */
  async readUntil(until: (argv: string[]) => boolean, timeoutMs = 5000): Promise<StreamCommand[]> {
    const out: StreamCommand[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const buf = this.conn.peekBuffer();
      const r = buf.length ? parseFrame(buf, 0) : null;
      if (r) {
        this.conn.consume(r.end);
        const argv = argvOf(r.frame);
        if (argv[0].toLowerCase() === 'ping') continue;
        if (argv[0].toLowerCase() === 'select') {
          this.db = Number(argv[1]);
          continue;
        }
        if (until(argv)) return out;
        out.push({ db: this.db, argv });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timeout; got ${JSON.stringify(out)}`);
      await this.conn.waitData(50);
    }
  }

  close(): Promise<void> {
    return this.conn.close();
  }
}

function argvOf(f: Frame): string[] {
  if (f.t !== '*' || !f.items) throw new Error(`not a command: ${JSON.stringify(f)}`);
  return f.items.map((i) => (i as { s: string }).s);
}
