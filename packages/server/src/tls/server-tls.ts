/**
 * TLS of a configured server: the TLS port (`tls-port` on every `bind` address, next to or
 * instead of the TCP port), its reconfiguration on CONFIG SET of any `tls-*` directive, and the
 * client options of the replication link when `tls-replication` is on.
 */
import { type ConnectionOptions, type TLSSocket, type TlsOptions, createSecureContext } from 'node:tls';
import { bindAddresses } from '../config-binding';
import type { ServerConfig } from '../config/server-config';
import { TlsConfigError } from '../errors';
import type { Logger } from '../logger';
import type { ReplikitServer } from '../server';
import { TlsListener } from './tls-listener';
import { type TlsSettings, tlsClientOptions, tlsServerOptions, tlsSettingsFromConfig } from './tls-settings';

export interface ServerTlsDeps {
  readonly server: ReplikitServer;
  readonly config: ServerConfig;
  readonly logger: Logger;
}

/** Builds and checks a context now, so a bad key or passphrase fails here and not per connection. */
function checked<T extends TlsOptions | ConnectionOptions>(build: () => T): T {
  let options: T;
  try {
    options = build();
    createSecureContext(options);
  } catch (err) {
    if (err instanceof TlsConfigError) throw err;
    throw new TlsConfigError(`Failed to configure TLS: ${(err as Error).message}`, err);
  }
  return options;
}

export class ServerTls {
  private readonly listener: TlsListener;
  /** port changes and reconfigurations run one after the other */
  private queue: Promise<void> = Promise.resolve();
  private started = false;
  private closed = false;
  private readonly unbind: () => void;
  private readonly unbindCheck: () => void;

  constructor(private readonly deps: ServerTlsDeps) {
    this.listener = new TlsListener({
      onConnection: (socket: TLSSocket) => deps.server.adoptConnection(socket),
      onRefused: (reason) => deps.logger.warning(`Error accepting a client connection: ${reason}`),
      onError: (err) => deps.server.emit('error', err),
    });
    // every change is applied after the current command (a port change is asynchronous).
    // CONFIG SET runs applyCheck before that, synchronously: a context that cannot be built fails
    // the command and its values are restored before the queued work reads them.
    this.unbind = deps.config.onChange((name) => {
      if (!this.started || this.closed || !name.startsWith('tls-')) return;
      this.queue = this.queue.then(() => (name === 'tls-port' ? this.reopen() : this.reconfigure()));
    });
    this.unbindCheck = deps.config.onApplyCheck((changed) => this.applyCheck(changed));
  }

  /** The TLS port listened on; 0 when TLS is off. */
  get port(): number {
    return this.listener.port;
  }

  settings(): TlsSettings {
    return tlsSettingsFromConfig(this.deps.config);
  }

  /** Options of an outgoing TLS link (read from the files now); throws TlsConfigError. */
  clientOptions(): ConnectionOptions {
    return checked(() => tlsClientOptions(this.settings()));
  }

  /**
   * After the TCP listeners: checks the TLS set-up when `tls-port` or `tls-replication` asks for
   * it (a bad one rejects with TlsConfigError, and Redis exits) and opens the TLS port.
   */
  async listen(): Promise<void> {
    this.started = true;
    const s = this.settings();
    if (s.replication) this.clientOptions();
    if (s.port === 0) return;
    const options = checked(() => tlsServerOptions(s));
    await this.listener.listen(this.hosts(), s.port, options, s.authClients);
  }

  /** Closes the TLS port and its connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unbind();
    this.unbindCheck();
    await this.queue;
    await this.listener.close();
  }

  private hosts(): string[] {
    return bindAddresses(this.deps.config.get<string[]>('bind'));
  }

  /**
   * CONFIG SET's apply step (Redis's applyTlsCfg): when TLS is in use, the new settings must make
   * a context, which then serves the next connections at once; else the reason is logged and
   * CONFIG SET fails naming the first TLS directive it changed.
   */
  private applyCheck(changed: readonly string[]): { name: string; reason: string } | undefined {
    const name = changed.find((n) => n.startsWith('tls-') && n !== 'tls-port' && n !== 'tls-auth-clients');
    if (!this.started || this.closed || name === undefined) return undefined;
    const s = this.settings();
    try {
      if (s.replication) this.clientOptions();
      if (this.listener.listening) this.listener.reconfigure(checked(() => tlsServerOptions(s)), s.authClients);
    } catch (err) {
      this.deps.logger.warning((err as Error).message);
      this.deps.logger.warning(`Failed applying new configuration. Possibly related to new ${name} setting. Restoring previous settings.`);
      return { name, reason: 'Unable to update TLS configuration. Check server logs.' };
    }
    return undefined;
  }

  /** CONFIG SET tls-port: the old port stops listening (its connections stay), the new one opens. */
  private async reopen(): Promise<void> {
    await this.listener.stopListening();
    const s = this.settings();
    if (s.port === 0) return;
    try {
      const options = checked(() => tlsServerOptions(s));
      await this.listener.listen(this.hosts(), s.port, options, s.authClients);
    } catch (err) {
      this.deps.logger.warning((err as Error).message);
      this.deps.logger.warning('Unable to listen on this port. Check server logs.');
    }
  }

  /** CONFIG SET tls-*: a new context for the next connections; a failing one keeps the old. */
  private async reconfigure(): Promise<void> {
    if (!this.listener.listening) return;
    const s = this.settings();
    try {
      this.listener.reconfigure(checked(() => tlsServerOptions(s)), s.authClients);
    } catch (err) {
      this.deps.logger.warning((err as Error).message);
      this.deps.logger.warning('Unable to update TLS configuration. Check server logs.');
    }
  }
}
