import { spawn } from 'node:child_process';
import { watchProcess } from './watched-process';

function node(script: string) {
  return spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('watchProcess', () => {
  it('collects stdout and stderr, waits for a line, reports the exit code', async () => {
    const p = watchProcess(node("console.log('one'); console.error('two'); setTimeout(() => process.exit(3), 50)"));
    await p.waitForOutput(/two/);
    expect(await p.exited).toBe(3);
    expect(p.output()).toContain('one');
    expect(p.output()).toContain('two');
  });

  it('rejects a wait the process exits before, with its output', async () => {
    const p = watchProcess(node("console.log('bye')"));
    await expect(p.waitForOutput(/never printed/)).rejects.toThrow(/exited before[\s\S]*bye/);
  });

  it('stop() ends a running process with SIGTERM', async () => {
    const p = watchProcess(node("console.log('up'); setInterval(() => {}, 1000)"));
    await p.waitForOutput(/up/);
    expect(await p.stop()).toBe('SIGTERM');
  });
});
