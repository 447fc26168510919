/**
 * Virtual NHI card QR payload (虛擬健保卡). The sandbox issues it; the scanner recognizes it.
 * Form: `NHIVC1:` followed by 32 characters of Crockford-style base32 (0-9, A-Z without I, L, O, U).
 */
export const VIRTUAL_CARD_PREFIX = "NHIVC1:";
const TOKEN_RE = /^NHIVC1:[0-9A-HJKMNP-TV-Z]{32}$/;

export function isVirtualCardToken(text: string): boolean {
  return TOKEN_RE.test(text.trim());
}
