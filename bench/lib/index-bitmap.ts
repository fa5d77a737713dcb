/** A growable set of small non-negative integers (callback indices), cheap to pass over IPC as base64. */
export class IndexBitmap {
  private bits: Uint8Array;
  size = 0;

  constructor(capacity = 1024) {
    this.bits = new Uint8Array(Math.ceil(capacity / 8));
  }

  static fromBase64(encoded: string): IndexBitmap {
    const bitmap = new IndexBitmap(0);
    bitmap.bits = new Uint8Array(Buffer.from(encoded, 'base64'));
    for (const byte of bitmap.bits) bitmap.size += popcount(byte);
    return bitmap;
  }

  add(index: number): void {
    const byte = index >>> 3;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << (index & 7);
    if ((this.bits[byte] & mask) === 0) {
      this.bits[byte] |= mask;
      this.size += 1;
    }
  }

  has(index: number): boolean {
    const byte = index >>> 3;
    return byte < this.bits.length && (this.bits[byte] & (1 << (index & 7))) !== 0;
  }

  *indices(): Generator<number> {
    for (let byte = 0; byte < this.bits.length; byte++) {
      const value = this.bits[byte];
      if (value === 0) continue;
      for (let bit = 0; bit < 8; bit++) if (value & (1 << bit)) yield byte * 8 + bit;
    }
  }

  toBase64(): string {
    return Buffer.from(this.bits.buffer, this.bits.byteOffset, this.bits.byteLength).toString('base64');
  }
}

function popcount(byte: number): number {
  let count = 0;
  for (let b = byte; b !== 0; b &= b - 1) count++;
  return count;
}
