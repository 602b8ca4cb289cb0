/**
 * A Python RecordIO writer and reader written from the format alone (mxnet is not in Debian):
 * dmlc-core's framing (magic, lrecord with the continuation flag in the upper 3 bits, 4-byte
 * padding, records split where the magic sits at an aligned offset), `mxnet.recordio`'s IRHeader
 * ('IfQQ' + flag float labels) and MXIndexedRecordIO's `.idx` lines. Tests prepend it to a script.
 */
export const PY_RECORDIO = String.raw`
import json, struct, sys, os, hashlib
MAGIC = 0xced7230a

def frame(payload):
    out, start, n = bytearray(), 0, len(payload)
    for i in range(0, n - n % 4, 4):
        if struct.unpack_from('<I', payload, i)[0] == MAGIC:
            out += struct.pack('<II', MAGIC, ((1 if start == 0 else 2) << 29) | (i - start)) + payload[start:i]
            start = i + 4
    out += struct.pack('<II', MAGIC, ((3 if start else 0) << 29) | (n - start)) + payload[start:]
    out += b'\0' * ((-n) % 4)
    return bytes(out)

def read_at(f, off):
    f.seek(off)
    out = b''
    while True:
        magic, lrec = struct.unpack('<II', f.read(8))
        assert magic == MAGIC, 'bad magic at %d' % f.tell()
        cflag, length = lrec >> 29, lrec & ((1 << 29) - 1)
        out += f.read((length + 3) & ~3)[:length]
        if cflag in (0, 3):
            return out
        out += struct.pack('<I', MAGIC)

def pack(label, img, id=0, id2=0):
    if isinstance(label, (int, float)):
        return struct.pack('IfQQ', 0, label, id, id2) + img
    return struct.pack('IfQQ', len(label), 0, id, id2) + struct.pack('%df' % len(label), *label) + img

def unpack(s):
    flag, label, id, id2 = struct.unpack('IfQQ', s[:24])
    s = s[24:]
    if flag > 0:
        label = list(struct.unpack('%df' % flag, s[:4 * flag]))
        s = s[4 * flag:]
    return flag, label, id, id2, s

class IndexedWriter:
    def __init__(self, rec, idx):
        self.rec, self.idx = open(rec, 'wb'), open(idx, 'w')
    def write(self, key, payload):
        self.idx.write('%d\t%d\n' % (key, self.rec.tell()))
        self.rec.write(frame(payload))
    def close(self):
        self.rec.close(); self.idx.close()

def read_idx(path):
    keys = []
    for line in open(path):
        k, o = line.strip().split('\t')
        keys.append((int(k), int(o)))
    return keys
`;
