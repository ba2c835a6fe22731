/**
 * BullMQ, unchanged, against replikit-server: a queue and a worker, retries with backoff, a delayed
 * job and a flow (parent waits for its children). BullMQ's scripts use streams (XADD events),
 * cmsgpack, cjson and many keys per script.
 */
import { FlowProducer, type Job, Queue, QueueEvents, Worker } from 'bullmq';
import { type Started, startReplikit } from '../server/helpers';

describe('BullMQ on replikit-server', () => {
  let ours: Started;
  let connection: { host: string; port: number };
  const closers: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    ours = await startReplikit();
    connection = { host: '127.0.0.1', port: ours.port };
  });

  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await ours.close();
  });

  test('queue, worker, retries, delayed jobs and flows', async () => {
    const queue = new Queue('jobs', { connection });
    closers.push(() => queue.close());
    const events = new QueueEvents('jobs', { connection });
    closers.push(() => events.close());
    await events.waitUntilReady();

    const attempts = new Map<string, number>();
    const worker = new Worker(
      'jobs',
      async (job: Job) => {
        const n = (attempts.get(job.name) ?? 0) + 1;
        attempts.set(job.name, n);
        if (job.name === 'flaky' && n < 3) throw new Error(`attempt ${n} fails`);
        if (job.name === 'parent') {
          const children = await job.getChildrenValues();
          return Object.values(children).reduce((a: number, b) => a + (b as number), 0);
        }
        return job.data.x * 2;
      },
      { connection },
    );
    closers.push(() => worker.close());
    worker.on('error', (e) => console.log('WORKER ERROR', e.message));
    events.on('error', (e) => console.log('EVENTS ERROR', e.message));

    const simple = await queue.add('double', { x: 21 });
    expect(await simple.waitUntilFinished(events, 10000)).toBe(42);

    const flaky = await queue.add('flaky', { x: 1 }, { attempts: 3, backoff: { type: 'fixed', delay: 10 } });
    expect(await flaky.waitUntilFinished(events, 10000)).toBe(2);
    expect(attempts.get('flaky')).toBe(3);

    const delayed = await queue.add('delayed', { x: 5 }, { delay: 300 });
    expect(await delayed.getState()).toBe('delayed');
    expect(await delayed.waitUntilFinished(events, 10000)).toBe(10);

    const flows = new FlowProducer({ connection });
    closers.push(() => flows.close());
    const tree = await flows.add({
      name: 'parent',
      queueName: 'jobs',
      data: { x: 0 },
      children: [
        { name: 'double', queueName: 'jobs', data: { x: 1 } },
        { name: 'double', queueName: 'jobs', data: { x: 2 } },
      ],
    });
    expect(await tree.job.waitUntilFinished(events, 10000)).toBe(6);
    const counts = await queue.getJobCounts('completed', 'failed');
    expect(counts).toEqual({ completed: 6, failed: 0 });
  });
});
