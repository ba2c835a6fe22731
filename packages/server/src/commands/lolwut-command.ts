/**
 * LOLWUT [VERSION v] [args...] (lolwut.c): VERSION picks the art, `v` read as `<v>.0.0` like
 * Redis does. 5 draws Georg Nees' "Schotter" in Braille characters (lolwut5.c), 6 a city skyline
 * in four terminal grays (lolwut6.c); every other version, the default 7 included, answers only
 * the version line. Schotter's squares from the third row on are rotated and moved at random
 * (Redis uses rand()), so only the first two rows, the canvas size and the trailing line are
 * reproducible; the arithmetic runs in 32-bit floats (Math.fround) where Redis's does, so those
 * parts are byte-identical. The skyline is random throughout: only its shape (rows of `cols`
 * colour cells) and the trailing lines can match.
 */
import { ErrorReply, type RespValue, VerbatimReply } from '@replikit/resp';
import { type ServerCommandSpec, spec } from '../dispatch/command-spec';
import { REDIS_VERSION } from '../redis-version';
import { eqi, parseStrictInt } from './arg-parsing';

const NOT_INTEGER = new ErrorReply('ERR value is not an integer or out of range');
const f = Math.fround;
/** C's round(): halves away from zero (Math.round takes -2.5 to -2). */
const cround = (v: number): number => (v < 0 ? -Math.round(-v) : Math.round(v));

/** A pixel canvas (colour 0 = no dot for the Braille rendering, 0..3 grays for the skyline); drawing outside it is ignored. */
class Canvas {
  readonly pixels: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
    background = 0,
  ) {
    this.pixels = new Uint8Array(width * height).fill(background);
  }
  set(x: number, y: number, color = 1): void {
    if (x >= 0 && x < this.width && y >= 0 && y < this.height) this.pixels[x + y * this.width] = color;
  }
  get(x: number, y: number): number {
    return x >= 0 && x < this.width && y >= 0 && y < this.height ? (this.pixels[x + y * this.width] as number) : 0;
  }
  /** Bresenham's line. */
  line(x1: number, y1: number, x2: number, y2: number): void {
    const dx = Math.abs(x2 - x1);
    const dy = Math.abs(y2 - y1);
    const sx = x1 < x2 ? 1 : -1;
    const sy = y1 < y2 ? 1 : -1;
    let err = dx - dy;
    for (;;) {
      this.set(x1, y1);
      if (x1 === x2 && y1 === y2) break;
      const e2 = err * 2;
      if (e2 > -dy) {
        err -= dy;
        x1 += sx;
      }
      if (e2 < dx) {
        err += dx;
        y1 += sy;
      }
    }
  }
  /** A square of side `size` centred on x,y and rotated by `angle`: its corners lie on a circle. */
  square(x: number, y: number, size: number, angle: number): void {
    // biome-ignore lint/suspicious/noApproximativeNumericConstant: Redis divides by this truncated constant, not Math.SQRT2
    const r = f(cround(f(size / 1.4142135623)));
    const px: number[] = [];
    const py: number[] = [];
    let k = f(Math.PI / 4 + angle);
    for (let j = 0; j < 4; j++) {
      px.push(cround(Math.sin(k) * r + x));
      py.push(cround(Math.cos(k) * r + y));
      k = f(k + Math.PI / 2);
    }
    for (let j = 0; j < 4; j++) this.line(px[j] as number, py[j] as number, px[(j + 1) % 4] as number, py[(j + 1) % 4] as number);
  }
  /** Each 2x4 pixel block as one Braille character (U+2800 + the dot bits), rows split by newlines. */
  render(): string {
    let out = '';
    for (let y = 0; y < this.height; y += 4) {
      for (let x = 0; x < this.width; x += 2) {
        const bits =
          this.get(x, y) | (this.get(x, y + 1) << 1) | (this.get(x, y + 2) << 2) | (this.get(x + 1, y) << 3) |
          (this.get(x + 1, y + 1) << 4) | (this.get(x + 1, y + 2) << 5) | (this.get(x, y + 3) << 6) | (this.get(x + 1, y + 3) << 7);
        out += String.fromCharCode(0x2800 + bits);
      }
      if (y !== this.height - 1) out += '\n';
    }
    return out;
  }
}

/** C's rand() (0..RAND_MAX), rand()/RAND_MAX and `rand() % 2` stand-ins. */
const rand = (): number => Math.floor(Math.random() * 2147483648);
const unit = (): number => Math.random();
const coin = (): boolean => Math.random() < 0.5;

/** Schotter: rows of squares, more disordered the lower they are. */
export function drawSchotter(cols: number, perRow: number, perCol: number): Canvas {
  const width = cols * 2;
  const padding = width > 4 ? 2 : 0;
  const side = f((width - padding * 2) / perRow);
  const canvas = new Canvas(width, Math.trunc(f(f(side * perCol) + padding * 2)));
  for (let y = 0; y < perCol; y++) {
    for (let x = 0; x < perRow; x++) {
      let sx = Math.trunc(f(f(f(x * side) + f(side / 2)) + padding));
      let sy = Math.trunc(f(f(f(y * side) + f(side / 2)) + padding));
      let angle = 0;
      if (y > 1) {
        let r1 = f(f(f(unit()) / perCol) * y);
        let r2 = f(f(f(unit()) / perCol) * y);
        let r3 = f(f(f(unit()) / perCol) * y);
        if (coin()) r1 = -r1;
        if (coin()) r2 = -r2;
        if (coin()) r3 = -r3;
        angle = r1;
        sx = Math.trunc(f(sx + f(f(r2 * side) / 3)));
        sy = Math.trunc(f(sy + f(f(r3 * side) / 3)));
      }
      canvas.square(sx, sy, side, angle);
    }
  }
  return canvas;
}

/** The skyline's colours as terminal escapes: foreground and background both set, as Redis does. */
const GRAYS = ['0;30;40m', '0;90;100m', '0;37;47m', '0;97;107m'];

/** One skyscraper standing on the bottom row; windows (two cells wide, one tall) in random grays. */
function skyscraper(canvas: Canvas, xoff: number, width: number, height: number, windows: boolean, color: number): void {
  const starty = canvas.height - 1;
  const endy = starty - height + 1;
  for (let y = starty; y >= endy; y--) {
    for (let x = xoff; x < xoff + width; x++) {
      // the roof is four cells narrower
      if (y === endy && (x <= xoff + 1 || x >= xoff + width - 2)) continue;
      let c = color;
      if (windows && x > xoff + 1 && x < xoff + width - 2 && y > endy + 1 && y < starty - 1) {
        const relx = x - (xoff + 1);
        const rely = y - (endy + 1);
        if (Math.trunc(relx / 2) % 2 && rely % 2) {
          do c = 1 + (rand() % 2);
          while (c === color);
          // both cells of a window share its colour
          if (relx % 2) c = canvas.get(x - 1, y);
        }
      }
      canvas.set(x, y, c);
    }
  }
}

/** Two background rows of plain skyscrapers (lighter behind), then the dark ones with windows. */
export function drawSkyline(cols: number, rows: number): Canvas {
  const canvas = new Canvas(cols, rows, 3);
  const h = canvas.height;
  for (let color = 2; color >= 1; color--) {
    for (let offset = -10; offset < canvas.width; ) {
      offset += rand() % 8;
      const width = 10 + (rand() % 9);
      const height = Math.trunc(h / 2) + Math.trunc((rand() % h) / (color === 2 ? 2 : 3));
      skyscraper(canvas, offset, width, height, false, color);
      offset += color === 2 ? Math.trunc(width / 2) : width + 1;
    }
  }
  for (let offset = -10; offset < canvas.width; ) {
    offset += rand() % 8;
    let width = 5 + (rand() % 14);
    if (width % 4) width += width % 3;
    const height = Math.trunc(h / 3) + Math.trunc((rand() % h) / 2);
    skyscraper(canvas, offset, width, height, true, 0);
    offset += width + 5;
  }
  return canvas;
}

/** LOLWUT VERSION 6 [columns [rows]], limits as lolwut6.c. */
function lolwut6(args: readonly string[]): RespValue {
  const dims = [80, 20];
  for (let i = 0; i < 2 && i < args.length; i++) {
    const n = parseStrictInt(args[i] as string);
    if (n === null) return NOT_INTEGER;
    dims[i] = n;
  }
  const clamp = (n: number): number => Math.min(Math.max(n, 1), 1000);
  const canvas = drawSkyline(clamp(dims[0] as number), clamp(dims[1] as number));
  const lines: string[] = [];
  for (let y = 0; y < canvas.height; y++) {
    let line = '';
    for (let x = 0; x < canvas.width; x++) line += `\x1b[${GRAYS[canvas.get(x, y)] ?? GRAYS[0]} \x1b[0m`;
    lines.push(line);
  }
  const text = `${lines.join('\n')}\nDedicated to the 8 bit game developers of past and present.\nOriginal 8 bit image from Plaguemon by hikikomori. Redis ver. ${REDIS_VERSION}\n`;
  return new VerbatimReply('txt', text);
}

/** LOLWUT VERSION 5 [columns [squares-per-row [squares-per-col]]], limits as lolwut5.c. */
function lolwut5(args: readonly string[]): RespValue {
  const dims = [66, 8, 12];
  for (let i = 0; i < 3 && i < args.length; i++) {
    const n = parseStrictInt(args[i] as string);
    if (n === null) return NOT_INTEGER;
    dims[i] = n;
  }
  const clamp = (n: number, max: number): number => Math.min(Math.max(n, 1), max);
  const canvas = drawSchotter(clamp(dims[0] as number, 1000), clamp(dims[1] as number, 200), clamp(dims[2] as number, 200));
  const text = `${canvas.render()}\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. ${REDIS_VERSION}\n`;
  return new VerbatimReply('txt', Buffer.from(text, 'utf8'));
}

export const lolwutCommand: ServerCommandSpec = spec('lolwut', -1, ['readonly', 'fast'], ['@read', '@fast'], (_ctx, argv) => {
  let version = REDIS_VERSION;
  let args = argv.slice(1);
  if (argv.length >= 3 && eqi(argv[1], 'version')) {
    const v = parseStrictInt(argv[2] as string);
    if (v === null) return NOT_INTEGER;
    // printed with %u like Redis: a negative version wraps around to a large one
    version = `${v >>> 0}.0.0`;
    args = argv.slice(3);
  }
  if ((version[0] === '5' && version[1] === '.' && version[2] !== '9') || (version[0] === '4' && version[1] === '.' && version[2] === '9')) return lolwut5(args);
  if ((version[0] === '6' && version[1] === '.' && version[2] !== '9') || (version[0] === '5' && version[1] === '.' && version[2] === '9')) return lolwut6(args);
  return new VerbatimReply('txt', `Redis ver. ${REDIS_VERSION}\n`);
});
