/**
 * One-dimensional arrays in PostgreSQL's binary wire format (what `array_recv` reads), for parameters node-postgres
 * sends as they are: it binds a Buffer in binary format. The server then takes each element as its bytes, with no
 * array literal to lex.
 *
 * Layout: dimensions, has-null flag, element type oid, then the dimension's length and lower bound (1); then each
 * element as its byte length (-1 for NULL) and its bytes. All integers big-endian.
 */
const TEXT_OID = 25;
const UUID_OID = 2950;

function header(buffer: Buffer, elementOid: number, length: number, hasNull: boolean): number {
  if (length === 0) {
    // An empty array has no dimensions.
    buffer.writeInt32BE(0, 0);
    buffer.writeInt32BE(0, 4);
    buffer.writeUInt32BE(elementOid, 8);
    return 12;
  }
  buffer.writeInt32BE(1, 0);
  buffer.writeInt32BE(hasNull ? 1 : 0, 4);
  buffer.writeUInt32BE(elementOid, 8);
  buffer.writeInt32BE(length, 12);
  buffer.writeInt32BE(1, 16);
  return 20;
}

/** A `text[]`: each element's binary form is its UTF-8 bytes; null elements are SQL NULLs. */
export function binaryTextArray(values: readonly (string | null)[]): Buffer {
  const lengths = new Int32Array(values.length);
  let size = values.length === 0 ? 12 : 20;
  let hasNull = false;
  for (let index = 0; index < values.length; index++) {
    const value = values[index] as string | null;
    if (value === null) hasNull = true;
    const length = value === null ? -1 : Buffer.byteLength(value, 'utf8');
    lengths[index] = length;
    size += 4 + Math.max(length, 0);
  }
  const buffer = Buffer.allocUnsafe(size);
  let offset = header(buffer, TEXT_OID, values.length, hasNull);
  for (let index = 0; index < values.length; index++) {
    const length = lengths[index] as number;
    buffer.writeInt32BE(length, offset);
    offset += 4;
    if (length > 0) offset += buffer.write(values[index] as string, offset, length, 'utf8');
  }
  return buffer;
}

/** Hex digit values by character code; -1 for anything else. */
const HEX_DIGITS = new Int8Array(128).fill(-1);
for (let digit = 0; digit < 16; digit++) {
  HEX_DIGITS[digit.toString(16).charCodeAt(0)] = digit;
  HEX_DIGITS[digit.toString(16).toUpperCase().charCodeAt(0)] = digit;
}

/** The 16 bytes of `id` (8-4-4-4-12 hex digits, or 32 without hyphens, either case) at `offset`; false if not a UUID. */
function writeUuid(id: string, buffer: Buffer, offset: number): boolean {
  const hyphenated = id.length === 36;
  if (!hyphenated && id.length !== 32) return false;
  if (hyphenated && (id.charCodeAt(8) !== 45 || id.charCodeAt(13) !== 45 || id.charCodeAt(18) !== 45 || id.charCodeAt(23) !== 45)) return false;
  let at = offset;
  // The groups have even lengths, so a pair of digits never spans a hyphen.
  for (let index = 0; index < id.length; index += 2) {
    if (hyphenated && (index === 8 || index === 13 || index === 18 || index === 23)) index += 1;
    const high = HEX_DIGITS[id.charCodeAt(index)] ?? -1;
    const low = HEX_DIGITS[id.charCodeAt(index + 1)] ?? -1;
    if (high < 0 || low < 0) return false;
    buffer[at++] = (high << 4) | low;
  }
  return true;
}

/**
 * A `uuid[]`: each id as its 16 bytes. Ids are taken as PostgreSQL prints them, with or without hyphens, in either
 * case; anything else is refused here, before a round trip, as PostgreSQL would refuse it.
 */
export function binaryUuidArray(ids: readonly string[]): Buffer {
  const buffer = Buffer.allocUnsafe((ids.length === 0 ? 12 : 20) + ids.length * 20);
  let offset = header(buffer, UUID_OID, ids.length, false);
  for (const id of ids) {
    buffer.writeInt32BE(16, offset);
    if (!writeUuid(id, buffer, offset + 4)) throw new TypeError(`event id ${JSON.stringify(id)} is not a UUID`);
    offset += 20;
  }
  return buffer;
}

const INT8_OID = 20;
const TIMESTAMPTZ_OID = 1184;
/** PostgreSQL's timestamps count microseconds from 2000-01-01T00:00:00Z. */
const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1);
const TWO_TO_32 = 2 ** 32;

/** Eight bytes big-endian of an integer that fits a double exactly (|value| < 2^53): no BigInt per element. */
function writeInt64(value: number, buffer: Buffer, offset: number): void {
  const high = Math.floor(value / TWO_TO_32);
  buffer.writeInt32BE(high, offset);
  buffer.writeUInt32BE(value - high * TWO_TO_32, offset + 4);
}

/** A `bigint[]` from decimal strings or bigints (positions as the store hands them over). */
export function binaryInt8Array(values: readonly (string | bigint)[]): Buffer {
  const buffer = Buffer.allocUnsafe((values.length === 0 ? 12 : 20) + values.length * 12);
  let offset = header(buffer, INT8_OID, values.length, false);
  for (const value of values) {
    buffer.writeInt32BE(8, offset);
    buffer.writeBigInt64BE(typeof value === 'bigint' ? value : BigInt(value), offset + 4);
    offset += 12;
  }
  return buffer;
}

/**
 * A `timestamptz[]` from epoch milliseconds (null: SQL NULL). Each element is PostgreSQL's own binary form, so the
 * server parses no date text; a value that is not a finite number is refused here.
 */
export function binaryTimestamptzArray(values: readonly (number | null)[]): Buffer {
  const hasNull = values.includes(null);
  const buffer = Buffer.allocUnsafe((values.length === 0 ? 12 : 20) + values.reduce<number>((size, value) => size + (value === null ? 4 : 12), 0));
  let offset = header(buffer, TIMESTAMPTZ_OID, values.length, hasNull);
  for (const value of values) {
    if (value === null) {
      buffer.writeInt32BE(-1, offset);
      offset += 4;
      continue;
    }
    if (!Number.isFinite(value)) throw new TypeError(`timestamp ${String(value)} is not a finite number of milliseconds`);
    buffer.writeInt32BE(8, offset);
    writeInt64(Math.round((value - POSTGRES_EPOCH_MS) * 1000), buffer, offset + 4);
    offset += 12;
  }
  return buffer;
}
