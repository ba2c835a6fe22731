/**
 * `serve(duplex)`: one connection that speaks the replica handshake (PING, AUTH, REPLCONF,
 * PSYNC, SYNC, QUIT) read with the RequestDecoder. Replies of one read are written together
 * after it, as Redis writes a client's replies before it sleeps, so a PSYNC pipelined behind
 * other commands meets `pending output` (unless the replica announced `capa pipelined-psync`). Reading never pauses: ACKs keep flowing while the
 * node sends a snapshot.
 */
import type { Duplex } from 'node:stream';
import { ErrorReply, OK, RequestDecoder, type RespValue, encodeReply } from '@replikit/resp';
import { authCommand, pingCommand, wrongArity } from './replica-commands';
import type { ReplicationNode } from './replication-node';
import { type ReplicaTransport, duplexTransport } from './transport';

const NOAUTH = new ErrorReply('NOAUTH Authentication required.');

function unknownCommand(argv: readonly string[]): ErrorReply {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) args += `'${argv[i].slice(0, 128 - args.length)}' `;
  return new ErrorReply(`ERR unknown command '${argv[0].slice(0, 128)}', with args beginning with: ${args}`);
}

/** Arity checks that Redis makes before authentication (processCommand). */
function arityError(name: string, argc: number): ErrorReply | undefined {
  if ((name === 'psync' && argc < 3) || (name === 'sync' && argc !== 1) || (name === 'auth' && argc < 2) || (name === 'quit' && argc !== 1)) {
    return wrongArity(name);
  }
  return undefined;
}

export function serveDuplex(node: ReplicationNode, duplex: Duplex): ReplicaTransport {
  let out: Buffer[] = [];
  const transport = duplexTransport(duplex, { hasPendingReplies: () => out.length > 0 });
  const state = node.handshakeOf(transport);
  const decoder = new RequestDecoder({ authenticated: state.authenticated });
  let quitting = false;

  const dispatch = (argv: string[]): RespValue | undefined => {
    const name = argv[0].toLowerCase();
    const known = name === 'ping' || name === 'auth' || name === 'replconf' || name === 'psync' || name === 'sync' || name === 'quit';
    if (!known) return unknownCommand(argv);
    const arity = arityError(name, argv.length);
    if (arity) return arity;
    if (!state.authenticated && name !== 'auth' && name !== 'quit') return NOAUTH;
    switch (name) {
      case 'ping':
        return pingCommand(argv);
      case 'auth': {
        const r = authCommand(node.options, state, argv);
        decoder.authenticated = state.authenticated;
        return r;
      }
      case 'replconf':
        return node.replconf(transport, argv);
      case 'psync':
        // a replica that announced pipelined PSYNC gets the replies before it first
        if (state.capaPipelinedPsync) flush();
        return node.psync(transport, argv);
      case 'sync':
        if (state.capaPipelinedPsync) flush();
        return node.sync(transport, argv);
      default:
        quitting = true;
        return OK;
    }
  };

  const flush = () => {
    if (out.length === 0) return;
    const chunks = out;
    out = [];
    let bytes = 0;
    for (const c of chunks) bytes += c.length;
    if (state.link) state.link.write(chunks, bytes, node.options.clock());
    else transport.write(chunks);
  };

  duplex.on('data', (chunk: Buffer) => {
    if (transport.closed || node.closed) return;
    decoder.write(chunk);
    let emptyLines = decoder.emptyLines;
    for (;;) {
      let argv: string[] | undefined;
      try {
        argv = decoder.next();
      } catch (err) {
        const e = err as { replyText?: string; silent?: boolean; message: string };
        if (e.replyText !== undefined && !e.silent) out.push(Buffer.from(`-${e.replyText}\r\n`, 'latin1'));
        node.options.log('verbose', `Protocol error from client: ${e.message}`);
        flush();
        transport.close('protocol error');
        return;
      }
      if (decoder.emptyLines !== emptyLines) {
        emptyLines = decoder.emptyLines;
        node.touch(transport);
      }
      if (argv === undefined) break;
      if (argv.length === 0) continue;
      let reply: RespValue | undefined;
      try {
        reply = dispatch(argv);
      } catch (err) {
        // a fault of the node, not of the peer: report it and drop this connection
        node.emit('error', err instanceof Error ? err : new Error(String(err)));
        transport.close('internal error');
        return;
      }
      if (reply !== undefined) {
        if (state.link) {
          // a replica link carries the stream only; a command that answers means a rogue replica
          const addr = `${transport.remoteAddress ?? '?'}:${transport.remotePort ?? 0}`;
          node.options.log('warning', `Replica generated a reply to command '${argv[0].toLowerCase()}', disconnecting it: id=${state.link.id} addr=${addr} flags=S`);
          transport.close('replica generated a reply');
          return;
        }
        out.push(Buffer.from(encodeReply(reply)));
      }
      if (quitting) {
        flush();
        duplex.end();
        return;
      }
    }
    flush();
  });
  return transport;
}
