/** Virtual NHI card (虛擬健保卡) QR tokens: one-time, valid 5 minutes, revocable, proxy allowed. */
import { randomBytes } from "node:crypto";
import { msg } from "../../domain/message.js";
import { isVirtualCardToken, VIRTUAL_CARD_PREFIX } from "../../domain/virtual-card-token.js";
import type { VirtualCardResult } from "../client.js";

export const VIRTUAL_CARD_TTL_MS = 5 * 60 * 1000;
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export interface TokenDoc {
  token: string;
  nationalId: string;
  name?: string;
  birthDate?: string;
  proxy: boolean;
  proxyNationalId?: string;
  issuedAt: string;
  expiresAt: string;
  usedAt?: string;
  usedBy?: string;
  revokedAt?: string;
}

/** 160 random bits as 32 Crockford base32 characters. */
export function newVirtualCardToken(): string {
  const bytes = randomBytes(20);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = "";
  for (let i = 0; i < 32; i++) {
    out = CROCKFORD[Number(bits & 31n)]! + out;
    bits >>= 5n;
  }
  return `${VIRTUAL_CARD_PREFIX}${out}`;
}

const REASONS = {
  unknown: msg(
    "查無此虛擬健保卡QR碼，請病人於健保快易通重新產生",
    "Unknown virtual card QR code; ask the patient to generate a new one in the NHI app",
  ),
  revoked: msg(
    "此虛擬健保卡QR碼已失效（虛擬健保卡已註銷），請病人重新產生",
    "This virtual card QR code was revoked (the virtual card was cancelled); ask for a new one",
  ),
  used: msg(
    "此虛擬健保卡QR碼已使用過（每個QR碼僅能使用一次），請病人重新產生",
    "This virtual card QR code was already used (each code works once); ask for a new one",
  ),
  expired: msg(
    "此虛擬健保卡QR碼已逾5分鐘有效期限，請病人重新產生",
    "This virtual card QR code is older than its 5-minute validity; ask for a new one",
  ),
} as const;

/** Checks a token; on success marks it used (the caller persists the returned doc). */
export function verifyToken(
  doc: TokenDoc | undefined,
  token: string,
  now: Date,
  caller: string,
): { result: VirtualCardResult; used?: TokenDoc } {
  const invalid = (reason: keyof typeof REASONS): { result: VirtualCardResult } => ({
    result: { valid: false, reason, message: REASONS[reason] },
  });
  if (!isVirtualCardToken(token) || !doc) return invalid("unknown");
  if (doc.revokedAt) return invalid("revoked");
  if (doc.usedAt) return invalid("used");
  if (now.getTime() >= Date.parse(doc.expiresAt)) return invalid("expired");
  const used: TokenDoc = { ...doc, usedAt: now.toISOString(), usedBy: caller };
  const result: VirtualCardResult = {
    valid: true,
    nationalId: doc.nationalId,
    proxy: doc.proxy,
    sequencePrefix: "V",
  };
  if (doc.name !== undefined) result.name = doc.name;
  if (doc.birthDate !== undefined) result.birthDate = doc.birthDate;
  return { result, used };
}
