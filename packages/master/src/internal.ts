/** Internals for sibling packages. */
export { StreamEncoder } from './stream-encoding';
