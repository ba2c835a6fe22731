/** @replikit/master */
export {};
