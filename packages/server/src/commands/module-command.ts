/**
 * MODULE (module.c moduleCommand) of a server that cannot load modules: LIST is empty, HELP is
 * Redis's text, and LOAD / LOADEX / UNLOAD answer what redis-server 7.0 answers under its default
 * `enable-module-command no`.
 */
import { ErrorReply, SimpleString } from '@replikit/resp';
import { containerSpec, type ServerCommandSpec, spec } from '../dispatch/command-spec';

export const MODULE_NOT_ALLOWED = new ErrorReply(
  'ERR MODULE command not allowed. If the enable-module-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
);

const HELP = [
  'MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'LIST',
  '    Return a list of loaded modules.',
  'LOAD <path> [<arg> ...]',
  '    Load a module library from <path>, passing to it any optional arguments.',
  'LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]',
  '    Load a module library from <path>, while passing it module configurations and optional arguments.',
  'UNLOAD <name>',
  '    Unload a module.',
  'HELP',
  '    Prints this help.',
];

const notAllowed = (): ErrorReply => MODULE_NOT_ALLOWED;

/** The MODULE container: HELP, LIST, LOAD, LOADEX, UNLOAD. */
export function moduleCommand(): ServerCommandSpec {
  return containerSpec('module', [
    spec('module|help', 2, ['loading', 'stale'], ['@slow'], () => HELP.map((l) => new SimpleString(l))),
    spec('module|list', 2, ['admin', 'noscript'], ['@admin', '@slow', '@dangerous'], () => []),
    spec('module|load', -3, ['admin', 'noscript'], ['@admin', '@slow', '@dangerous'], notAllowed),
    spec('module|loadex', -3, ['admin', 'noscript'], ['@admin', '@slow', '@dangerous'], notAllowed),
    spec('module|unload', 3, ['admin', 'noscript'], ['@admin', '@slow', '@dangerous'], notAllowed),
  ]);
}
