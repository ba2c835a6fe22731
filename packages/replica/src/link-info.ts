import type { ReplicaLinkInfo, ReplicaState } from './events';

/** INFO replication's view of the upstream link, from the syncer's clocks and counters (ms timestamps). */
export function linkInfo(
  now: number,
  state: ReplicaState,
  lastIo: number,
  downSince: number,
  transfer: { readonly total: number; readonly read: number; readonly lastIo: number },
  stream: { readonly reploff: number; readonly buffered: number; readonly replid: string },
): ReplicaLinkInfo {
  const up = state === 'connected';
  const syncing = state === 'sync';
  const seconds = (since: number) => Math.floor((now - since) / 1000);
  return {
    state,
    masterLinkStatus: up ? 'up' : 'down',
    masterLastIoSecondsAgo: up ? seconds(lastIo) : -1,
    masterSyncInProgress: syncing,
    masterSyncTotalBytes: syncing ? transfer.total : -1,
    masterSyncReadBytes: syncing ? transfer.read : 0,
    masterSyncLeftBytes: syncing ? (transfer.total >= 0 ? transfer.total - transfer.read : -1) : 0,
    masterSyncLastIoSecondsAgo: syncing ? seconds(transfer.lastIo) : -1,
    masterLinkDownSinceSeconds: up ? -1 : seconds(downSince),
    replOffset: stream.reploff,
    readReplOffset: stream.reploff + stream.buffered,
    masterReplid: stream.replid,
  };
}
