import type { ServerConfig } from '../config/server-config';
import { introspectionOf } from './introspection';

/** Reads slowlog-*, latency-monitor-threshold, latency-tracking and tracking-table-max-keys now and on every CONFIG SET. */
export function bindIntrospectionConfig(runtime: object, config: ServerConfig): () => void {
  const intro = introspectionOf(runtime);
  const apply = (name: string): void => {
    switch (name) {
      case 'slowlog-log-slower-than':
        intro.settings.slowlogLogSlowerThan = config.getNumber(name);
        return;
      case 'slowlog-max-len':
        intro.slowlog.maxLen = config.getNumber(name);
        intro.slowlog.trim();
        return;
      case 'latency-monitor-threshold':
        intro.settings.latencyMonitorThreshold = config.getNumber(name);
        return;
      case 'latency-tracking':
        intro.settings.latencyTracking = config.getBool(name);
        return;
      case 'tracking-table-max-keys':
        intro.tracking.maxKeys = config.getNumber(name);
        return;
    }
  };
  for (const n of ['slowlog-log-slower-than', 'slowlog-max-len', 'latency-monitor-threshold', 'latency-tracking', 'tracking-table-max-keys']) apply(n);
  return config.onChange((name) => apply(name));
}
