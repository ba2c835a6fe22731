/** The part of redlock 4's API the app test uses (the package ships no types). */
declare module 'redlock' {
  import type Redis from 'ioredis';
  class Lock {
    readonly value: string;
    extend(ttl: number): Promise<Lock>;
    unlock(): Promise<void>;
  }
  class Redlock {
    constructor(clients: Redis[], options?: { retryCount?: number; retryDelay?: number; driftFactor?: number });
    lock(resource: string, ttl: number): Promise<Lock>;
  }
  export default Redlock;
}
