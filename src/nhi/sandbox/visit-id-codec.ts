/**
 * The sandbox's keyed, reversible visit-ID encoding (the real NHI algorithm is secret).
 *
 * Packed integer, most significant first:
 *   person (national ID without its check digit: letter × second character × 7 digits, 2.08e9 values)
 *   × time (seconds since 080/01/01 00:00:00 Taiwan time, 2^32 ≈ 136 years)
 *   × offline flag (API 1.54 abnormal/offline issue)
 *   × institution index (registered institutions, up to 2^17)
 *   × keyed check (HMAC of the other fields, ≈ 1.7e6 values: a random string decodes with p ≈ 6e-7).
 * The packed value lies in [0, 34^20) and is enciphered with a balanced 8-round Feistel network over 102 bits
 * (HMAC-SHA256 round function) and cycle-walking back into [0, 34^20), then written in the 34-symbol alphabet.
 *
 * A raw institution code (10^10 or more values) was considered instead of the index: it leaves so little room that
 * about 4.5 % of random strings would decode, so every institution that gets a visit ID is registered first.
 */
import { createHmac } from "node:crypto";
import { nationalIdCheckDigit } from "../../domain/national-id.js";
import { isRocDateTime, type RocDateTime } from "../../domain/roc-date.js";
import { VISIT_ID_ALPHABET, VISIT_ID_LENGTH } from "../../domain/visit-id.js";

const BASE = BigInt(VISIT_ID_ALPHABET.length); // 34
export const DOMAIN_SIZE = BASE ** BigInt(VISIT_ID_LENGTH);
const HALF_BITS = 51n;
const HALF_MASK = (1n << HALF_BITS) - 1n;
const ROUNDS = 8;

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const SECONDS = "1289ABCD";
const PERSON_SPACE = BigInt(LETTERS.length * SECONDS.length) * 10_000_000n;
const TIME_SPACE = 1n << 32n;
const FLAG_SPACE = 2n;
export const INSTITUTION_SPACE = 1n << 17n;
export const CHECK_SPACE = DOMAIN_SIZE / (PERSON_SPACE * TIME_SPACE * FLAG_SPACE * INSTITUTION_SPACE);

/** 080/01/01 00:00:00 as naive seconds (the fields are Taiwan local time; no zone arithmetic is needed). */
const EPOCH_MS = Date.UTC(1991, 0, 1);

export interface VisitIdFields {
  nationalId: string;
  visitDateTime: RocDateTime;
  institutionIndex: number;
  /** Issued offline / for an abnormal visit (API 1.54 stand-in). */
  offline: boolean;
}

export class VisitIdEncodingError extends RangeError {
  override readonly name = "VisitIdEncodingError";
}

function personIndex(nationalId: string): bigint {
  const id = nationalId.toUpperCase();
  const letter = LETTERS.indexOf(id[0] ?? "");
  const second = SECONDS.indexOf(id[1] ?? "");
  const middle = id.slice(2, 9);
  if (letter < 0 || second < 0 || !/^\d{7}$/.test(middle) || !/^\d$/.test(id[9] ?? "") || id.length !== 10) {
    throw new VisitIdEncodingError(`cannot encode national ID ${JSON.stringify(nationalId)}`);
  }
  if (Number(id[9]) !== nationalIdCheckDigit(id.slice(0, 9))) {
    throw new VisitIdEncodingError(`national ID checksum does not match: ${id}`);
  }
  return (BigInt(letter) * BigInt(SECONDS.length) + BigInt(second)) * 10_000_000n + BigInt(middle);
}

function personFromIndex(index: bigint): string {
  const middle = index % 10_000_000n;
  const head = Number(index / 10_000_000n);
  const first9 = `${LETTERS[Math.floor(head / SECONDS.length)]}${SECONDS[head % SECONDS.length]}${String(middle).padStart(7, "0")}`;
  return `${first9}${nationalIdCheckDigit(first9)}`;
}

function timeIndex(value: RocDateTime): bigint {
  if (!isRocDateTime(value)) throw new VisitIdEncodingError(`not a ROC date-time: ${JSON.stringify(value)}`);
  const ms = Date.UTC(
    Number(value.slice(0, 3)) + 1911,
    Number(value.slice(3, 5)) - 1,
    Number(value.slice(5, 7)),
    Number(value.slice(7, 9)),
    Number(value.slice(9, 11)),
    Number(value.slice(11, 13)),
  );
  const seconds = (ms - EPOCH_MS) / 1000;
  if (seconds < 0 || BigInt(seconds) >= TIME_SPACE) throw new VisitIdEncodingError(`date-time out of range: ${value}`);
  return BigInt(seconds);
}

function timeFromIndex(index: bigint): RocDateTime {
  const d = new Date(EPOCH_MS + Number(index) * 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(d.getUTCFullYear() - 1911, 3)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(
    d.getUTCMinutes(),
  )}${p(d.getUTCSeconds())}` as RocDateTime;
}

function bigintFromBytes(bytes: Uint8Array, bits: bigint): bigint {
  let v = 0n;
  for (let i = 0; i < 16; i++) v = (v << 8n) | BigInt(bytes[i]!);
  return v & ((1n << bits) - 1n);
}

export interface VisitIdCodec {
  encode(fields: VisitIdFields): string;
  /** The fields, or undefined when the ID was not issued with this key (or is not a visit ID at all). */
  decode(visitId: string): VisitIdFields | undefined;
}

export function createVisitIdCodec(key: string | Uint8Array): VisitIdCodec {
  const keyBytes = typeof key === "string" ? Buffer.from(key, "utf8") : Buffer.from(key);
  if (keyBytes.length < 16) throw new RangeError("the visit-ID key needs at least 16 bytes");

  const round = (i: number, half: bigint): bigint => {
    const h = createHmac("sha256", keyBytes);
    h.update(`F${i}:${half.toString(16)}`);
    return bigintFromBytes(h.digest(), HALF_BITS);
  };
  const feistelForward = (v: bigint): bigint => {
    let l = v >> HALF_BITS;
    let r = v & HALF_MASK;
    for (let i = 0; i < ROUNDS; i++) {
      const next = l ^ round(i, r);
      l = r;
      r = next;
    }
    return (l << HALF_BITS) | r;
  };
  const feistelBackward = (v: bigint): bigint => {
    let l = v >> HALF_BITS;
    let r = v & HALF_MASK;
    for (let i = ROUNDS - 1; i >= 0; i--) {
      const prev = r ^ round(i, l);
      r = l;
      l = prev;
    }
    return (l << HALF_BITS) | r;
  };
  // Cycle-walking: the Feistel permutes [0, 2^102); walking keeps values inside [0, 34^20), where the walk is
  // itself a permutation, and decoding walks back the same way.
  const encipher = (v: bigint): bigint => {
    let x = feistelForward(v);
    while (x >= DOMAIN_SIZE) x = feistelForward(x);
    return x;
  };
  const decipher = (v: bigint): bigint => {
    let x = feistelBackward(v);
    while (x >= DOMAIN_SIZE) x = feistelBackward(x);
    return x;
  };
  const check = (person: bigint, time: bigint, flag: bigint, inst: bigint): bigint => {
    const h = createHmac("sha256", keyBytes);
    h.update(`C:${person}:${time}:${flag}:${inst}`);
    return bigintFromBytes(h.digest(), 64n) % CHECK_SPACE;
  };

  return {
    encode(fields) {
      const person = personIndex(fields.nationalId);
      const time = timeIndex(fields.visitDateTime);
      const flag = fields.offline ? 1n : 0n;
      if (!Number.isInteger(fields.institutionIndex) || fields.institutionIndex < 0) {
        throw new VisitIdEncodingError(`bad institution index ${fields.institutionIndex}`);
      }
      const inst = BigInt(fields.institutionIndex);
      if (inst >= INSTITUTION_SPACE) throw new VisitIdEncodingError("too many registered institutions");
      const packed = (((person * TIME_SPACE + time) * FLAG_SPACE + flag) * INSTITUTION_SPACE + inst) * CHECK_SPACE;
      let v = encipher(packed + check(person, time, flag, inst));
      const out: string[] = new Array(VISIT_ID_LENGTH);
      for (let i = VISIT_ID_LENGTH - 1; i >= 0; i--) {
        out[i] = VISIT_ID_ALPHABET[Number(v % BASE)]!;
        v /= BASE;
      }
      return out.join("");
    },
    decode(visitId) {
      if (visitId.length !== VISIT_ID_LENGTH) return undefined;
      let v = 0n;
      for (const ch of visitId) {
        const d = VISIT_ID_ALPHABET.indexOf(ch);
        if (d < 0) return undefined;
        v = v * BASE + BigInt(d);
      }
      let x = decipher(v);
      const c = x % CHECK_SPACE;
      x /= CHECK_SPACE;
      const inst = x % INSTITUTION_SPACE;
      x /= INSTITUTION_SPACE;
      const flag = x % FLAG_SPACE;
      x /= FLAG_SPACE;
      const time = x % TIME_SPACE;
      const person = x / TIME_SPACE;
      if (person >= PERSON_SPACE) return undefined;
      if (check(person, time, flag, inst) !== c) return undefined;
      return {
        nationalId: personFromIndex(person),
        visitDateTime: timeFromIndex(time),
        institutionIndex: Number(inst),
        offline: flag === 1n,
      };
    },
  };
}
