// Fuzzing: random and mutated inputs. The only acceptable outcomes are commands (or "need more
// bytes") and our typed errors; the result must not depend on how the input is chunked.
import { encodeCommandToBuffer } from './encode-command';
import { ReplicationStreamFramer } from './replication-framer';
import { RequestDecoder, type RequestDecoderOptions } from './request-decoder';
import { validCases } from './testing/decoder-cases';
import { bin, bytewise, feed, splitAt } from './testing/feed';

/** Small deterministic PRNG (xorshift32) so that failures are reproducible. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

const ALPHABET = bin('*$\r\n\r\n0123456789-+ "\'\\x\x00abcPING\t\x0b\xff');

function randomInput(r: () => number): Buffer {
  const n = Math.floor(r() * 48);
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = r() < 0.85 ? ALPHABET[Math.floor(r() * ALPHABET.length)] : Math.floor(r() * 256);
  return b;
}

const seeds: Buffer[] = [
  ...validCases.map((c) => bin(c.input)),
  encodeCommandToBuffer(['SET', 'key:1', 'x'.repeat(40)]),
  encodeCommandToBuffer(['MSET', 'a', '1', 'b', '2', 'c', '']),
  bin('*2\r\n$4\r\nECHO\r\n$3\r\n\r\n\n\r\nPING "a b" \'c\'\r\n*0\r\n'),
];

function mutate(r: () => number, src: Buffer): Buffer {
  const bytes = [...src];
  const edits = 1 + Math.floor(r() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(r() * (bytes.length + 1));
    const pick = r();
    const byte = r() < 0.8 ? ALPHABET[Math.floor(r() * ALPHABET.length)] : Math.floor(r() * 256);
    if (pick < 0.3) bytes[Math.min(at, bytes.length - 1)] = byte;
    else if (pick < 0.55) bytes.splice(at, 0, byte);
    else if (pick < 0.75) bytes.splice(at, 1);
    else if (pick < 0.9) bytes.splice(at, 0, ...bytes.slice(at, at + Math.floor(r() * 8)));
    else bytes.length = at;
  }
  return Buffer.from(bytes);
}

function randomOptions(r: () => number): RequestDecoderOptions {
  const x = r();
  if (x < 0.6) return {};
  if (x < 0.7) return { authenticated: false };
  if (x < 0.8) return { masterLink: true };
  return { maxInlineLength: 1 + Math.floor(r() * 16), maxBulkLength: Math.floor(r() * 64), maxMultibulkLength: Math.floor(r() * 6) };
}

describe('fuzz', () => {
  it('RequestDecoder: 120k random and mutated inputs give commands or typed errors, chunking-independent', () => {
    const r = rng(0x5eed);
    let errors = 0;
    let commands = 0;
    for (let i = 0; i < 120_000; i++) {
      const input = i % 2 === 0 ? randomInput(r) : mutate(r, seeds[Math.floor(r() * seeds.length)]);
      const options = randomOptions(r);
      // feed() rethrows anything that is not an ERR_RESP_PROTOCOL error, failing the test
      const whole = feed(new RequestDecoder(options), [input]);
      if (whole.error) errors++;
      commands += whole.commands.length;
      if (i % 8 === 0) {
        const cuts = [Math.floor(r() * input.length), Math.floor(r() * input.length)];
        const other = i % 64 === 0 ? bytewise(input) : splitAt(input, cuts);
        const again = feed(new RequestDecoder(options), other);
        if (JSON.stringify(again) !== JSON.stringify(whole)) {
          throw new Error(`chunking changed the outcome for ${JSON.stringify(input.toString('latin1'))} ${JSON.stringify(options)}`);
        }
      }
    }
    // both outcomes must be well represented for the fuzz to mean anything
    expect(errors).toBeGreaterThan(10_000);
    expect(commands).toBeGreaterThan(10_000);
  });

  it('ReplicationStreamFramer: 30k random and mutated inputs give events or typed errors', () => {
    const r = rng(0xf4a3e);
    const preambles = [bin('\n\n$5\r\nREDIS'), bin('$EOF:0123456789012345678901234567890123456789\r\nabc0123456789012345678901234567890123456789')];
    let typed = 0;
    for (let i = 0; i < 30_000; i++) {
      const payload = i % 3 === 0;
      const base = payload ? Buffer.concat([preambles[i % 2], seeds[Math.floor(r() * seeds.length)]]) : seeds[Math.floor(r() * seeds.length)];
      const input = i % 2 === 0 ? mutate(r, base) : Buffer.concat([base, randomInput(r)]);
      const framer = new ReplicationStreamFramer({ onCommand() {} }, { maxBulkLength: 1 + Math.floor(r() * 100) });
      if (payload) framer.expectPayload();
      else framer.streamOnly();
      try {
        for (const c of splitAt(input, [Math.floor(r() * input.length)])) framer.write(c);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code !== 'ERR_RESP_PROTOCOL' && code !== 'ERR_RESP_MASTER_ABORTED') throw err;
        typed++;
      }
    }
    expect(typed).toBeGreaterThan(1000);
  });
});
