/**
 * ScriptClient: the caller's fields read live, the script's own db/protocol/capture, fields the
 * script's commands set kept apart from the caller; the caller never becomes a prototype (which
 * would give every connection that ran a script a hidden class of its own).
 */

import { MasterStreamClient } from '../connection/master-client';
import type { Dispatcher } from '../dispatch/dispatcher';
import { isScriptClient } from '../introspection/introspection';
import { ScriptClient } from './script-client';

function caller(): MasterStreamClient {
  return new MasterStreamClient(7, '127.0.0.1:6379', {} as Dispatcher, () => {}, () => {});
}

describe('ScriptClient', () => {
  it('reads the caller live and keeps its own db, protocol and writes', () => {
    const c = caller();
    c.db = 3;
    c.name = 'first';
    const sc = new ScriptClient(c);
    expect(isScriptClient(sc)).toBe(true);
    expect(isScriptClient(c)).toBe(false);
    expect(sc.db).toBe(3);
    expect(sc.kind).toBe('master');
    c.name = 'renamed';
    c.lastCommand = 'get';
    expect(sc.name).toBe('renamed');
    expect(sc.lastCommand).toBe('get');
    sc.db = 5;
    sc.protocol = 3;
    sc.name = 'script-side';
    sc.skipThis = true;
    expect([c.db, c.protocol, c.name, c.skipThis]).toEqual([3, 2, 'renamed', false]);
    expect([sc.db, sc.protocol, sc.name, sc.skipThis]).toEqual([5, 3, 'script-side', true]);
    expect(sc.blocked).toBe(false);
  });

  it('captures replies instead of writing them to the caller', () => {
    const c = caller();
    const written: unknown[] = [];
    c.reply = (v) => {
      written.push(v);
    };
    const sc = new ScriptClient(c);
    sc.reply('one');
    expect(sc.captured).toEqual(['one']);
    expect(written).toEqual([]);
  });

  it('does not make the caller a prototype', () => {
    const c = caller();
    const sc = new ScriptClient(c);
    expect(Object.getPrototypeOf(sc)).toBe(ScriptClient.prototype);
    expect(Object.prototype.isPrototypeOf.call(c, sc)).toBe(false);
  });
});
