import { ErrorReply } from '@replikit/resp';
import { ACL_DENIED_CHANNEL, ACL_DENIED_CMD, ACL_DENIED_KEY } from './acl-user';

/** processCommand's NOPERM replies (server.c), by ACL_DENIED_* value. */
export function aclRefusalReply(result: number, fullname: string): ErrorReply {
  switch (result) {
    case ACL_DENIED_CMD:
      return new ErrorReply(`NOPERM this user has no permissions to run the '${fullname}' command`.replace(/[\r\n]/g, ' '));
    case ACL_DENIED_KEY:
      return new ErrorReply('NOPERM this user has no permissions to access one of the keys used as arguments');
    case ACL_DENIED_CHANNEL:
      return new ErrorReply('NOPERM this user has no permissions to access one of the channels used as arguments');
    default:
      return new ErrorReply('ERR no permission');
  }
}

/** execCommand's reply for a queued command the ACL rules no longer allow (multi.c). */
export function execRecheckReply(result: number): ErrorReply {
  const reason =
    result === ACL_DENIED_CMD
      ? 'no permission to execute the command or subcommand'
      : result === ACL_DENIED_KEY
        ? 'no permission to touch the specified keys'
        : result === ACL_DENIED_CHANNEL
          ? 'no permission to access one of the channels used as arguments'
          : 'no permission';
  return new ErrorReply(
    `NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: ${reason}`,
  );
}

/** ACL DRYRUN's text for a refusal (a bulk string, not an error). */
export function dryrunText(result: number, fullname: string, arg: string): string {
  if (result === ACL_DENIED_CMD) return `This user has no permissions to run the '${fullname}' command`;
  if (result === ACL_DENIED_KEY) return `This user has no permissions to access the '${arg}' key`;
  return `This user has no permissions to access the '${arg}' channel`;
}

/** scriptVerifyACL's error (getAclErrorMessage) for a command run by a script. */
export function scriptRefusalReply(result: number): ErrorReply {
  const msg =
    result === ACL_DENIED_CMD
      ? "can't run this command or subcommand"
      : result === ACL_DENIED_KEY
        ? "can't access at least one of the keys mentioned in the command arguments"
        : result === ACL_DENIED_CHANNEL
          ? "can't publish to the channel mentioned in the command"
          : 'lacking the permissions for the command';
  return new ErrorReply(`ERR The user executing the script ${msg}`);
}
