/**
 * A reader of the protobuf wire format, enough to walk an ONNX model's fields without decoding them: a tree
 * ensemble's attributes hold hundreds of thousands of numbers, which protobufjs decodes into objects (2 s for a
 * 9.5 MB forest) and encodes back slower still, where walking and copying the bytes takes milliseconds.
 */

/** One field of a message: its number and wire type, where it lies whole (tag included) and where its value lies. */
export interface WireField {
  number: number;
  wireType: number;
  start: number;
  end: number;
  valueStart: number;
}

/** Thrown on bytes that are not a protobuf message. */
export class WireFormatError extends Error {}

function varint(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (at >= bytes.length) throw new WireFormatError(`a number runs past the end at byte ${at}`);
    const byte = bytes[at++]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, at];
    scale *= 128;
  }
  throw new WireFormatError(`a number longer than 10 bytes at byte ${at}`);
}

/** The fields of the message in `bytes[start, end)`, in order. */
export function* wireFields(bytes: Uint8Array, start = 0, end = bytes.length): Generator<WireField> {
  let at = start;
  while (at < end) {
    const fieldStart = at;
    const [tag, afterTag] = varint(bytes, at);
    const number = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (number === 0) throw new WireFormatError(`field number 0 at byte ${fieldStart}`);
    let valueStart = afterTag;
    if (wireType === 0) at = varint(bytes, afterTag)[1];
    else if (wireType === 1) at = afterTag + 8;
    else if (wireType === 5) at = afterTag + 4;
    else if (wireType === 2) {
      const [length, next] = varint(bytes, afterTag);
      valueStart = next;
      at = next + length;
    } else throw new WireFormatError(`wire type ${wireType} at byte ${fieldStart}`);
    if (at > end) throw new WireFormatError(`a field runs past the end of its message at byte ${fieldStart}`);
    yield { number, wireType, start: fieldStart, end: at, valueStart };
  }
}

/** The text of a length-delimited field. */
export function wireText(bytes: Uint8Array, field: WireField): string {
  return new TextDecoder().decode(bytes.subarray(field.valueStart, field.end));
}

/** A length-delimited field `number` holding `value`, encoded. */
export function encodeWireBytes(number: number, value: Uint8Array): Uint8Array {
  const head = [...encodeVarint(number * 8 + 2), ...encodeVarint(value.length)];
  const out = new Uint8Array(head.length + value.length);
  out.set(head);
  out.set(value, head.length);
  return out;
}

function encodeVarint(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return out;
}

/** Pieces of bytes joined into one array. */
export function joinBytes(pieces: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}
