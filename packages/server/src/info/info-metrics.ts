/**
 * The sampled metrics of INFO: `instantaneous_ops_per_sec` and the input/output kbps, sampled
 * every 100 ms over 16 samples like Redis's trackInstantaneousMetric, and the memory peak.
 */
import type { ServerStats } from '../dispatch/server-stats';

const SAMPLES = 16;
const PERIOD_MS = 100;

class Metric {
  private readonly samples = new Array<number>(SAMPLES).fill(0);
  private idx = 0;
  private lastTime = performance.now();
  private lastCount = 0;

  constructor(initial: number) {
    this.lastCount = initial;
  }

  track(current: number): void {
    const now = performance.now();
    const t = now - this.lastTime;
    this.samples[this.idx] = t > 0 ? Math.floor(((current - this.lastCount) * 1000) / t) : 0;
    this.idx = (this.idx + 1) % SAMPLES;
    this.lastTime = now;
    this.lastCount = current;
  }

  /** average of the samples (getInstantaneousMetric) */
  get value(): number {
    let sum = 0;
    for (const s of this.samples) sum += s;
    return Math.floor(sum / SAMPLES);
  }

  reset(current: number): void {
    this.samples.fill(0);
    this.lastCount = current;
    this.lastTime = performance.now();
  }
}

/** Used memory as INFO reports it: the V8 heap in use plus memory held outside it (Buffers). */
export function usedMemory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

export class InstantaneousMetrics {
  private readonly ops: Metric;
  private readonly input: Metric;
  private readonly output: Metric;
  private readonly replInput: Metric;
  private readonly replOutput: Metric;
  private timer: NodeJS.Timeout | undefined;
  /** `used_memory_peak` */
  memoryPeak = usedMemory();
  /** `used_memory_startup` */
  readonly memoryStartup = usedMemory();

  constructor(private readonly stats: ServerStats) {
    this.ops = new Metric(stats.totalCommandsProcessed);
    this.input = new Metric(stats.netInputBytes);
    this.output = new Metric(stats.netOutputBytes);
    this.replInput = new Metric(stats.netReplInputBytes);
    this.replOutput = new Metric(stats.netReplOutputBytes);
  }

  private ticks = 0;

  /** One sample (serverCron's run_with_period(100)); the memory peak once a second (memoryUsage() is not free). */
  sample(): void {
    this.ops.track(this.stats.totalCommandsProcessed);
    this.input.track(this.stats.netInputBytes);
    this.output.track(this.stats.netOutputBytes);
    this.replInput.track(this.stats.netReplInputBytes);
    this.replOutput.track(this.stats.netReplOutputBytes);
    if (++this.ticks % 10 === 0) this.notePeak();
  }

  notePeak(): number {
    const used = usedMemory();
    if (used > this.memoryPeak) this.memoryPeak = used;
    return used;
  }

  get opsPerSec(): number {
    return this.ops.value;
  }
  get inputKbps(): number {
    return this.input.value / 1024;
  }
  get outputKbps(): number {
    return this.output.value / 1024;
  }
  get replInputKbps(): number {
    return this.replInput.value / 1024;
  }
  get replOutputKbps(): number {
    return this.replOutput.value / 1024;
  }

  /** CONFIG RESETSTAT */
  reset(): void {
    this.ops.reset(this.stats.totalCommandsProcessed);
    this.input.reset(this.stats.netInputBytes);
    this.output.reset(this.stats.netOutputBytes);
    this.replInput.reset(this.stats.netReplInputBytes);
    this.replOutput.reset(this.stats.netReplOutputBytes);
    this.memoryPeak = usedMemory();
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.sample(), PERIOD_MS);
    this.timer.unref();
  }

  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
