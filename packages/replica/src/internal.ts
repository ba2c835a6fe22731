/** Internals for sibling packages. */
export {};
