/**
 * A restricted unpickler for the data pickles users bring (insightface verification `.bin`): lists,
 * tuples, bytes, text, bools, small ints and None, in protocols 2–5, plus the few callables Python
 * writes for bytes and numpy bool scalars. Anything else (other classes, persistent ids, protocol 0/1
 * text opcodes) is refused with the opcode named, so no file can make it construct arbitrary objects.
 *
 * Why not the npm package pickleparser (0.2.1): it returns py2 `str` (SHORT_BINSTRING / BINSTRING,
 * how Python 2 stores the JPEG bytes) as JS text decoded by TextDecoder('ascii'), which the WHATWG
 * standard defines as windows-1252 (0x80–0x9F become other characters; Node 20 happens to decode it
 * as latin-1, a Node bug newer versions fix), with no option to keep bytes; it turns the
 * `_codecs.encode` calls of Python 3's protocol 2 into placeholder objects, as any global a file
 * names. The format needs only the opcodes below.
 *
 * Bytes values are views into the input (no copy); the parse is one linear pass.
 */

/** A module-level name (GLOBAL / STACK_GLOBAL) not yet called. */
interface GlobalRef { global: string }
/** numpy.dtype('b1') (the only dtype supported: numpy bool scalars). */
interface DtypeRef { dtype: string }
const MARK = Symbol('mark');

export type PickleValue = null | boolean | number | string | Uint8Array | PickleValue[];
type StackItem = PickleValue | GlobalRef | DtypeRef | typeof MARK;

const isGlobal = (v: unknown): v is GlobalRef => typeof v === 'object' && v !== null && 'global' in v;
const isDtype = (v: unknown): v is DtypeRef => typeof v === 'object' && v !== null && 'dtype' in v;

/** The callables a REDUCE may call: what Python writes for bytes in protocol 2 and for numpy bool scalars. */
function reduce(fn: StackItem, args: StackItem): StackItem {
  if (!isGlobal(fn)) throw new Error('REDUCE of something that is not a global');
  if (!Array.isArray(args)) throw new Error(`REDUCE of ${fn.global} without an argument tuple`);
  const a = args as StackItem[];
  switch (fn.global) {
    case '_codecs.encode': {
      // py3 protocol 2 writes bytes as _codecs.encode(latin-1 text, 'latin1')
      const [text, enc] = a;
      if (typeof text !== 'string' || (enc !== 'latin1' && enc !== 'latin-1')) throw new Error('_codecs.encode other than (text, "latin1")');
      const out = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c > 255) throw new Error('_codecs.encode of text outside latin-1');
        out[i] = c;
      }
      return out;
    }
    case '__builtin__.bytes': case 'builtins.bytes':
      if (a.length === 0) return new Uint8Array(0);
      throw new Error('bytes(...) with arguments');
    case 'numpy.dtype':
      if (a[0] !== 'b1') throw new Error(`numpy dtype "${String(a[0])}" (only numpy bool scalars are supported)`);
      return { dtype: 'b1' };
    case 'numpy.core.multiarray.scalar': case 'numpy._core.multiarray.scalar': {
      const [dt, raw] = a;
      if (!isDtype(dt) || !(raw instanceof Uint8Array) || raw.length !== 1) throw new Error('numpy scalar other than a bool');
      return raw[0] !== 0;
    }
    default:
      throw new Error(`the pickle calls ${fn.global}, which a data file has no need for`);
  }
}

/** Parses a pickle of plain data (see above); throws a message naming the byte offset on anything else. */
export function restrictedUnpickle(buf: Uint8Array): PickleValue {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > buf.length) throw new Error(`truncated at byte ${buf.length} (needs ${pos + n - buf.length} more)`);
  };
  const u8 = () => { need(1); return buf[pos++]; };
  const u16 = () => { need(2); const v = view.getUint16(pos, true); pos += 2; return v; };
  const u32 = () => { need(4); const v = view.getUint32(pos, true); pos += 4; return v; };
  const i32 = () => { need(4); const v = view.getInt32(pos, true); pos += 4; return v; };
  const u64 = () => {
    need(8);
    const v = Number(view.getBigUint64(pos, true));
    pos += 8;
    return v;
  };
  const bytes = (n: number) => { need(n); const v = buf.subarray(pos, pos + n); pos += n; return v; };
  const text = (n: number) => Buffer.from(bytes(n)).toString('utf8');
  const line = () => {
    const end = buf.indexOf(0x0a, pos);
    if (end < 0) throw new Error(`truncated at byte ${buf.length} (a GLOBAL without its newline)`);
    const s = Buffer.from(buf.subarray(pos, end)).toString('latin1');
    pos = end + 1;
    return s;
  };

  let stack: StackItem[] = [];
  const marks: StackItem[][] = [];
  const memo: StackItem[] = [];
  const pop = (): StackItem => {
    if (stack.length === 0) throw new Error('stack underflow');
    return stack.pop()!;
  };
  const top = (): StackItem => {
    if (stack.length === 0) throw new Error('stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = (): StackItem[] => {
    const items = stack;
    const outer = marks.pop();
    if (!outer) throw new Error('no MARK');
    stack = outer;
    return items;
  };
  const list = (v: StackItem): StackItem[] => {
    if (!Array.isArray(v)) throw new Error('APPEND to something that is not a list');
    return v as StackItem[];
  };
  const fromMemo = (i: number) => {
    if (!(i in memo)) throw new Error(`memo ${i} is not set`);
    stack.push(memo[i]);
  };

  for (;;) {
    const at = pos;
    const op = u8();
    try {
      switch (op) {
        case 0x80: { const v = u8(); if (v < 2 || v > 5) throw new Error(`protocol ${v} (2 to 5 supported)`); break; } // PROTO
        case 0x95: u64(); break; // FRAME: its length is only a read-ahead hint
        case 0x2e: { // STOP
          if (stack.length !== 1 || marks.length) throw new Error('STOP with a stack of other than one value');
          const v = stack[0];
          if (isGlobal(v) || isDtype(v)) throw new Error('the pickled value is a class, not data');
          return v as PickleValue;
        }
        case 0x28: marks.push(stack); stack = []; break; // MARK
        case 0x30: pop(); break; // POP
        case 0x5d: stack.push([]); break; // EMPTY_LIST
        case 0x29: stack.push([]); break; // EMPTY_TUPLE
        case 0x6c: case 0x74: { const items = popMark(); stack.push(items as PickleValue[]); break; } // LIST, TUPLE
        case 0x85: stack.push([pop()] as PickleValue[]); break; // TUPLE1
        case 0x86: { const b = pop(); const a = pop(); stack.push([a, b] as PickleValue[]); break; } // TUPLE2
        case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push([a, b, c] as PickleValue[]); break; } // TUPLE3
        case 0x61: { const v = pop(); list(top()).push(v); break; } // APPEND
        case 0x65: { const items = popMark(); const l = list(top()); for (const v of items) l.push(v); break; } // APPENDS
        case 0x71: memo[u8()] = top(); break; // BINPUT
        case 0x72: memo[u32()] = top(); break; // LONG_BINPUT
        case 0x94: memo.push(top()); break; // MEMOIZE
        case 0x68: fromMemo(u8()); break; // BINGET
        case 0x6a: fromMemo(u32()); break; // LONG_BINGET
        case 0x4e: stack.push(null); break; // NONE
        case 0x88: stack.push(true); break; // NEWTRUE
        case 0x89: stack.push(false); break; // NEWFALSE
        case 0x4a: stack.push(i32()); break; // BININT
        case 0x4b: stack.push(u8()); break; // BININT1
        case 0x4d: stack.push(u16()); break; // BININT2
        case 0x55: stack.push(bytes(u8())); break; // SHORT_BINSTRING: py2 str, loaded as bytes (encoding='bytes')
        case 0x54: stack.push(bytes(u32())); break; // BINSTRING
        case 0x43: stack.push(bytes(u8())); break; // SHORT_BINBYTES
        case 0x42: stack.push(bytes(u32())); break; // BINBYTES
        case 0x8e: stack.push(bytes(u64())); break; // BINBYTES8
        case 0x8c: stack.push(text(u8())); break; // SHORT_BINUNICODE
        case 0x58: stack.push(text(u32())); break; // BINUNICODE
        case 0x8d: stack.push(text(u64())); break; // BINUNICODE8
        case 0x63: { const module = line(); stack.push({ global: `${module}.${line()}` }); break; } // GLOBAL
        case 0x93: { // STACK_GLOBAL
          const name = pop(); const module = pop();
          if (typeof name !== 'string' || typeof module !== 'string') throw new Error('STACK_GLOBAL of non-text names');
          stack.push({ global: `${module}.${name}` });
          break;
        }
        case 0x52: { const args = pop(); stack.push(reduce(pop(), args)); break; } // REDUCE
        case 0x62: { // BUILD: only the state of numpy's bool dtype (byte order etc.), which a bool ignores
          pop();
          if (!isDtype(top())) throw new Error('BUILD of an object other than a numpy dtype');
          break;
        }
        default:
          throw new Error(`unsupported opcode 0x${op.toString(16).padStart(2, '0')}`);
      }
    } catch (err) {
      throw new Error(`${(err as Error).message} (opcode at byte ${at})`);
    }
  }
}
