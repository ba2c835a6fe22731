// @replikit/rdb/internal: internals for siblings, benches and tools (no stability promise).
/** The JS CRC64 kernel `Crc64` falls back to without WebAssembly (benchmarked against it). */
export { Crc64Js } from './codec/crc64-js';
