/** Side-by-side servers for the introspection tests: redis-server 7.0 and replikit-server with the same config. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getFreePort, RawClient, type RawReply, type RedisServerHandle, startRedisServer } from '@replikit/test-utils';
import { loadConfigFromArgs } from '../../packages/server/src/config/load-config';
import { type ConfiguredServer, createServerFromConfig } from '../../packages/server/src/config-binding-server';
import { Logger } from '../../packages/server/src/logger';

export interface Target {
  readonly kind: 'redis' | 'replikit';
  readonly port: number;
  close(): Promise<void>;
}

export async function startRedisTarget(config: Record<string, string> = {}): Promise<Target> {
  const h: RedisServerHandle = await startRedisServer({ config });
  return { kind: 'redis', port: h.port, close: () => h.stop() };
}

export async function startReplikitTarget(config: Record<string, string> = {}): Promise<Target & { readonly server: ConfiguredServer }> {
  const port = await getFreePort();
  const dir = mkdtempSync(join(tmpdir(), 'replikit-intro-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
  for (const [k, v] of Object.entries(config)) args.push(`--${k}`, v);
  const { config: cfg } = loadConfigFromArgs(args);
  const server = createServerFromConfig(cfg, { logger: new Logger({ sink: () => {} }) });
  await server.start();
  return {
    kind: 'replikit',
    port,
    server,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** redis-server and replikit-server started with the same config around the enclosing describe block. */
export function useTargets(config: Record<string, string> = {}): { readonly redis: Target; readonly ours: Target } {
  const t = {} as { redis: Target; ours: Target };
  beforeAll(async () => {
    t.redis = await startRedisTarget(config);
    t.ours = await startReplikitTarget(config);
  });
  afterAll(async () => {
    await t.ours?.close();
    await t.redis?.close();
  });
  return t;
}

/** A reply as text for comparisons (Buffers as latin1, errors as `-message`), nested arrays kept. */
export function show(r: RawReply): unknown {
  if (r instanceof Error) return `-${r.message}`;
  if (Buffer.isBuffer(r)) return r.toString('latin1');
  if (Array.isArray(r)) return r.map(show);
  return r;
}

export async function connect(t: Target): Promise<RawClient> {
  return RawClient.connect(t.port);
}
