/**
 * The client the commands of a script run as (Redis's `lua_client`): its own db (SELECT inside a
 * script moves only the script's db), protocol (redis.setresp), MULTI state, reply capture and
 * mute flag; everything else is the caller's, read live. A field the script's commands set is kept
 * here and no longer read from the caller (a command run by a script never changes its caller).
 *
 * Not `Object.create(caller)`: an object used as a prototype gets a map of its own in V8, so every
 * connection that had run a script had a different hidden class and each place that reads a
 * connection's fields (parsing, dispatch, flushing) saw as many shapes as there were clients.
 */
import type { PushReply, RespValue } from '@replikit/resp';
import type { ClientBlock, ClientKind, MultiState, ServerClient } from '../connection/server-client';
import { markScriptClient } from '../introspection/introspection';

/** a field not set by the script's commands (read from the caller) */
const UNSET = undefined;

export class ScriptClient implements ServerClient {
  db: number;
  protocol: 2 | 3 = 2;
  multi: MultiState | undefined = undefined;
  captured: RespValue[] | undefined = [];
  callContext: unknown = undefined;
  muted = false;
  // set here by the script's commands, else the caller's
  private ownName: string | undefined = UNSET;
  private ownUser: string | undefined = UNSET;
  private ownAuthenticated: boolean | undefined = UNSET;
  private ownReplyOff: boolean | undefined = UNSET;
  private ownSkipNext: boolean | undefined = UNSET;
  private ownSkipThis: boolean | undefined = UNSET;
  private ownNoEvict: boolean | undefined = UNSET;
  private ownBlockedOn: ClientBlock | undefined | null = null;
  private ownLastCommand: string | undefined = UNSET;
  private ownLastInteraction: number | undefined = UNSET;

  constructor(readonly caller: ServerClient) {
    this.db = caller.db;
    markScriptClient(this);
  }

  get id(): number {
    return this.caller.id;
  }
  get addr(): string {
    return this.caller.addr;
  }
  get laddr(): string {
    return this.caller.laddr;
  }
  get kind(): ClientKind {
    return this.caller.kind;
  }
  get createdAt(): number {
    return this.caller.createdAt;
  }
  get watched(): ServerClient['watched'] {
    return this.caller.watched;
  }
  get channels(): Set<string> {
    return this.caller.channels;
  }
  get patterns(): Set<string> {
    return this.caller.patterns;
  }
  get shardChannels(): Set<string> {
    return this.caller.shardChannels;
  }
  get blocked(): boolean {
    return this.blockedOn !== undefined;
  }
  get isClosed(): boolean {
    return this.caller.isClosed;
  }
  get outputBytes(): number {
    return this.caller.outputBytes;
  }
  get queryBufferBytes(): number {
    return this.caller.queryBufferBytes;
  }

  get name(): string {
    return this.ownName ?? this.caller.name;
  }
  set name(v: string) {
    this.ownName = v;
  }
  get user(): string {
    return this.ownUser ?? this.caller.user;
  }
  set user(v: string) {
    this.ownUser = v;
  }
  get authenticated(): boolean {
    return this.ownAuthenticated ?? this.caller.authenticated;
  }
  set authenticated(v: boolean) {
    this.ownAuthenticated = v;
  }
  get replyOff(): boolean {
    return this.ownReplyOff ?? this.caller.replyOff;
  }
  set replyOff(v: boolean) {
    this.ownReplyOff = v;
  }
  get skipNext(): boolean {
    return this.ownSkipNext ?? this.caller.skipNext;
  }
  set skipNext(v: boolean) {
    this.ownSkipNext = v;
  }
  get skipThis(): boolean {
    return this.ownSkipThis ?? this.caller.skipThis;
  }
  set skipThis(v: boolean) {
    this.ownSkipThis = v;
  }
  get noEvict(): boolean {
    return this.ownNoEvict ?? this.caller.noEvict;
  }
  set noEvict(v: boolean) {
    this.ownNoEvict = v;
  }
  get lastCommand(): string {
    return this.ownLastCommand ?? this.caller.lastCommand;
  }
  set lastCommand(v: string) {
    this.ownLastCommand = v;
  }
  get lastInteraction(): number {
    return this.ownLastInteraction ?? this.caller.lastInteraction;
  }
  set lastInteraction(v: number) {
    this.ownLastInteraction = v;
  }
  get blockedOn(): ClientBlock | undefined {
    return this.ownBlockedOn === null ? this.caller.blockedOn : this.ownBlockedOn;
  }
  set blockedOn(v: ClientBlock | undefined) {
    this.ownBlockedOn = v;
  }

  /** Replies go to `captured` (the script reads its command's reply there). */
  reply(value: RespValue): void {
    const captured = this.captured;
    if (captured !== undefined) {
      captured.push(value);
      return;
    }
    if (this.muted) return;
    this.caller.reply(value);
  }

  pushMessage(message: PushReply): void {
    this.caller.pushMessage(message);
  }
  resume(): void {
    this.caller.resume();
  }
  writeRaw(chunks: readonly Uint8Array[]): boolean {
    return this.caller.writeRaw(chunks);
  }
  markReplica(): void {
    this.caller.markReplica();
  }
  closeAfterReply(): void {
    this.caller.closeAfterReply();
  }
  close(reason: string): void {
    this.caller.close(reason);
  }
}
