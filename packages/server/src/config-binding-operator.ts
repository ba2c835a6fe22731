/**
 * The services the operator commands (CONFIG, INFO, SAVE/BGSAVE/LASTSAVE, DUMP/RESTORE, DEBUG,
 * SHUTDOWN) reach besides `ctx.runtime`. `createServerFromConfig` builds one; the command
 * factories close over it.
 */
import type { InfoSources } from './info/info-sections';
import type { Logger } from './logger';

/** SHUTDOWN's options (`NOSAVE`, `SAVE`, `NOW`, `FORCE`). */
export interface ShutdownFlags {
  readonly save?: boolean;
  readonly nosave?: boolean;
  readonly now?: boolean;
  readonly force?: boolean;
}

export interface OperatorContext extends InfoSources {
  readonly logger: Logger;
  /**
   * prepareForShutdown + finishShutdown: kills a background save, saves when save points are
   * configured (or SAVE), removes the pid file, closes the server. Resolves false when the
   * shutdown failed (the server keeps running) or one is already under way.
   */
  shutdown(flags: ShutdownFlags): Promise<boolean>;
}
