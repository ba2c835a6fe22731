/** @replikit/replica */
export {};
