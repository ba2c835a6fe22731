import { type Socket, connect } from 'node:net';

/** A raw TCP peer that plays a replica by hand: write protocol text, wait for a reply line. */
export interface LinePeer {
  socket: Socket;
  /** resolves with the first line received so far or later that matches `re` */
  line(re: RegExp): Promise<string>;
}

/** Connects to 127.0.0.1:`port`; everything received is kept as latin1 text, split on CRLF. */
export function connectLinePeer(port: number): Promise<LinePeer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve({ socket, line }));
    socket.once('error', reject);
    let text = '';
    const waiters: Array<() => void> = [];
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      for (const w of waiters.splice(0)) w();
    });
    function line(re: RegExp): Promise<string> {
      return new Promise((res) => {
        const check = (): void => {
          const m = text.split('\r\n').find((l) => re.test(l));
          if (m !== undefined) res(m);
          else waiters.push(check);
        };
        check();
      });
    }
  });
}
