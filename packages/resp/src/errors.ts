/** Base class of every error thrown by @replikit/resp. Match on `code`, not on `instanceof`. */
export class RespError extends Error {
  override name = 'RespError';
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
