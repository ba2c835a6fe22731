/** @replikit/keyspace-rdb */
export {};
