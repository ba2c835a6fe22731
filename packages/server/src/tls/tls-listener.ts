/**
 * The TLS port: one node:tls server per bind address. A connection is handed on only once its
 * handshake succeeded (and its client certificate verified, per `tls-auth-clients`), so the
 * client code above sees a plain Duplex, the same as a TCP connection.
 */
import type { Socket } from 'node:net';
import { type Server as TlsServer, type TLSSocket, type TlsOptions, createServer } from 'node:tls';
import { ServerListenError } from '../errors';
import type { TlsAuthClients } from './tls-settings';

export interface TlsListenerDeps {
  /** a connection whose handshake (and certificate check) succeeded */
  readonly onConnection: (socket: TLSSocket) => void;
  /** a handshake failed or a client certificate was refused (Redis logs "Error accepting a client connection") */
  readonly onRefused: (reason: string) => void;
  /** a listening socket failed after it was opened */
  readonly onError: (err: Error) => void;
}

/** node's per-connection settings of a tls.Server, read when each connection arrives. */
interface ServerAuthFields {
  requestCert: boolean;
  rejectUnauthorized: boolean;
}

export class TlsListener {
  private servers: TlsServer[] = [];
  /** TCP connections accepted and not yet closed (in the handshake, or handed on) */
  private readonly raw = new Set<Socket>();
  private auth: TlsAuthClients = 'yes';
  private portValue = 0;

  constructor(private readonly deps: TlsListenerDeps) {}

  /** The port listened on; 0 when not listening. */
  get port(): number {
    return this.portValue;
  }

  get listening(): boolean {
    return this.servers.length > 0;
  }

  /** Listens on `port` at every host (port 0 picks a free port, shared by every host). */
  async listen(hosts: readonly string[], port: number, options: TlsOptions, auth: TlsAuthClients): Promise<number> {
    this.auth = auth;
    let p = port;
    try {
      for (const host of hosts) {
        const srv = await this.open(host, p, options);
        if (p === 0) {
          const a = srv.address();
          p = typeof a === 'object' && a !== null ? a.port : 0;
        }
      }
    } catch (err) {
      await this.stopListening();
      throw err;
    }
    this.portValue = p;
    return p;
  }

  /**
   * New certificates, CA, versions or ciphers for the connections that come next (connections
   * already made keep theirs), as Redis swaps its SSL_CTX on CONFIG SET.
   */
  reconfigure(options: TlsOptions, auth: TlsAuthClients): void {
    this.auth = auth;
    for (const srv of this.servers) {
      srv.setSecureContext(options);
      const fields = srv as unknown as ServerAuthFields;
      fields.requestCert = options.requestCert === true;
      fields.rejectUnauthorized = options.rejectUnauthorized !== false;
    }
  }

  /** Closes the listening sockets; established connections stay (CONFIG SET tls-port). */
  stopListening(): Promise<void> {
    const all = this.servers.splice(0).map((srv) => new Promise<void>((resolve) => srv.close(() => resolve())));
    this.portValue = 0;
    return Promise.all(all).then(() => undefined);
  }

  /** Closes the listening sockets and every connection that came through them. */
  async close(): Promise<void> {
    const stopping = this.stopListening();
    for (const s of this.raw) s.destroy();
    this.raw.clear();
    await stopping;
  }

  private open(host: string, port: number, options: TlsOptions): Promise<TlsServer> {
    return new Promise((resolve, reject) => {
      const srv = createServer(options, (socket) => this.secured(socket));
      srv.on('connection', (socket: Socket) => {
        this.raw.add(socket);
        socket.once('close', () => this.raw.delete(socket));
      });
      srv.on('tlsClientError', (err, socket) => {
        this.deps.onRefused(err.message);
        socket.destroy();
      });
      srv.once('error', (err) => reject(new ServerListenError(`${host}:${port}`, err)));
      srv.listen({ host, port, backlog: 511 }, () => {
        srv.removeAllListeners('error');
        srv.on('error', (err) => this.deps.onError(err));
        this.servers.push(srv);
        resolve(srv);
      });
    });
  }

  private secured(socket: TLSSocket): void {
    // `optional`: no certificate is fine, a certificate that does not verify is not
    if (this.auth === 'optional' && !socket.authorized && Object.keys(socket.getPeerCertificate() ?? {}).length > 0) {
      this.deps.onRefused(`peer certificate verification failed: ${String(socket.authorizationError)}`);
      socket.destroy();
      return;
    }
    this.deps.onConnection(socket);
  }
}
