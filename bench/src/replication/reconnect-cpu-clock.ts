/**
 * CPU time of a process's main thread (the event loop, where a reconnect runs), in µs with
 * nanosecond resolution: the first field of /proc/<pid>/task/<pid>/schedstat (time on a CPU). The
 * utime + stime of /proc/<pid>/stat count in 10 ms ticks, which over 150 cuts is 67 µs per cut.
 */
import { readFileSync } from 'node:fs';

export function mainThreadCpuUs(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1000;
  } catch {
    // no schedstat (a kernel without CONFIG_SCHEDSTATS): the tick counts
    const fields = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  }
}
