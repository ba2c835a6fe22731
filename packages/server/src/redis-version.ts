/** The version of Redis whose behaviour the server implements (HELLO, INFO `redis_version`, config errors). */
export const REDIS_VERSION = '7.0.15';
