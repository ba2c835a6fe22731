import { ErrorReply } from '@replikit/resp';

/** shared.oomerr: the refusal of a denyoom command while used memory stays above maxmemory */
export const OOM = new ErrorReply("OOM command not allowed when used memory > 'maxmemory'.");
