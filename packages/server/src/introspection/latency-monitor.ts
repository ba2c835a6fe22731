import { MapReply, type RespValue } from '@replikit/resp';

/** LATENCY_TS_LEN: samples kept per event. */
const SAMPLES_PER_EVENT = 160;

interface Sample {
  time: number;
  latency: number;
}

interface EventSeries {
  samples: Sample[];
  max: number;
}

/**
 * The latency monitor (latency.c): per event (`command`, `fast-command`, ...) the last 160
 * samples of unix second and milliseconds; samples of one second merge into their maximum.
 */
export class LatencyMonitor {
  private readonly events = new Map<string, EventSeries>();

  /** latencyAddSampleIfNeeded: records `ms` when the threshold is set and reached. */
  addIfNeeded(threshold: number, event: string, ms: number): void {
    if (threshold > 0 && ms >= threshold) this.add(event, ms);
  }

  add(event: string, ms: number, now = Math.floor(Date.now() / 1000)): void {
    let s = this.events.get(event);
    if (s === undefined) {
      s = { samples: [], max: 0 };
      this.events.set(event, s);
    }
    if (ms > s.max) s.max = ms;
    const last = s.samples[s.samples.length - 1];
    if (last !== undefined && last.time === now) {
      if (ms > last.latency) last.latency = ms;
      return;
    }
    s.samples.push({ time: now, latency: ms });
    if (s.samples.length > SAMPLES_PER_EVENT) s.samples.shift();
  }

  /** LATENCY LATEST: [event, time, latest ms, all-time max ms] per event. */
  latest(): RespValue[] {
    const out: RespValue[] = [];
    for (const [name, s] of this.events) {
      const last = s.samples[s.samples.length - 1] as Sample;
      out.push([name, last.time, last.latency, s.max]);
    }
    return out;
  }

  /** LATENCY HISTORY: [time, ms] pairs, oldest first. */
  history(event: string): RespValue[] {
    return (this.events.get(event)?.samples ?? []).map((x) => [x.time, x.latency]);
  }

  /** LATENCY RESET: the number of events dropped (all with no names). */
  reset(names: readonly string[]): number {
    if (names.length === 0) {
      const n = this.events.size;
      this.events.clear();
      return n;
    }
    let n = 0;
    for (const e of names) if (this.events.delete(e)) n++;
    return n;
  }

  get size(): number {
    return this.events.size;
  }

  /** Per event: spikes, average and mean deviation of the samples, period between them, worst. */
  analysis(): Array<{ event: string; count: number; avg: number; mad: number; period: number; max: number }> {
    const out = [];
    for (const [event, s] of this.events) {
      const n = s.samples.length;
      let sum = 0;
      for (const x of s.samples) sum += x.latency;
      const avg = sum / n;
      let dev = 0;
      for (const x of s.samples) dev += Math.abs(x.latency - avg);
      const first = s.samples[0] as Sample;
      const last = s.samples[n - 1] as Sample;
      const period = n > 1 ? (last.time - first.time) / (n - 1) : 0;
      out.push({ event, count: n, avg, mad: dev / n, period, max: s.max });
    }
    return out;
  }

  samplesOf(event: string): readonly Sample[] {
    return this.events.get(event)?.samples ?? [];
  }
}

/** LATENCY_HISTOGRAM_MAX_VALUE (ns) */
const HISTOGRAM_MAX_NS = 1_000_000_000;
/**
 * The reporting levels of Redis's command histograms (an HDR histogram, 2 significant digits,
 * walked from 1024 ns in powers of 2): each level is its highest equivalent value,
 * v + v/128 - 1 for v = 1024·2^k, shown in microseconds (1, 2, 4, 8, 16, 33, 66, 132 ...).
 */
const LEVELS_NS: number[] = [];
for (let v = 1024; ; v *= 2) {
  LEVELS_NS.push(v + v / 128 - 1);
  if (v > HISTOGRAM_MAX_NS) break;
}

/**
 * A command's latency distribution (7.0 `latency-tracking`): counts per reporting level; the
 * LATENCY HISTOGRAM reply is cumulative, listing only levels where the count grows.
 */
export class CommandHistogram {
  calls = 0;
  private readonly counts = new Array<number>(LEVELS_NS.length).fill(0);

  record(durationUs: number): void {
    const ns = Math.min(Math.max(durationUs * 1000, 1), HISTOGRAM_MAX_NS);
    let k = 0;
    while (k < LEVELS_NS.length - 1 && ns > (LEVELS_NS[k] as number)) k++;
    this.counts[k] = (this.counts[k] as number) + 1;
    this.calls++;
  }

  reply(): MapReply {
    const buckets: Array<[RespValue, RespValue]> = [];
    let cumulative = 0;
    for (let k = 0; k < LEVELS_NS.length; k++) {
      const c = this.counts[k] as number;
      if (c === 0) continue;
      cumulative += c;
      buckets.push([Math.floor((LEVELS_NS[k] as number) / 1000), cumulative]);
    }
    return new MapReply([
      ['calls', this.calls],
      ['histogram_usec', new MapReply(buckets)],
    ]);
  }
}
