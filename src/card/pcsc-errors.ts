/** PC/SC failures as the CardError a person can act on. */
import { CardError, cardErrors } from "./errors.js";

/** PC/SC return code embedded in pcsclite's error texts, e.g. "… (0x8010001d)". */
export function pcscErrorCode(error: unknown): number | undefined {
  const text = error instanceof Error ? error.message : String(error);
  const m = /\(0x([0-9a-f]{8})\)/i.exec(text);
  return m ? Number.parseInt(m[1]!, 16) : undefined;
}

/** Maps a pcsclite error to the CardError a person can act on. */
export function mapPcscError(error: unknown, reader?: string): CardError {
  if (error instanceof CardError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  switch (pcscErrorCode(error)) {
    case 0x8010001d: // SCARD_E_NO_SERVICE
    case 0x8010001e: // SCARD_E_SERVICE_STOPPED
      return cardErrors.pcscdNotRunning(detail);
    case 0x8010002e: // SCARD_E_NO_READERS_AVAILABLE
      return cardErrors.noReader();
    case 0x80100009: // SCARD_E_UNKNOWN_READER
    case 0x80100017: // SCARD_E_READER_UNAVAILABLE
      return reader ? cardErrors.readerRemoved(reader) : cardErrors.noReader();
    case 0x8010000c: // SCARD_E_NO_SMARTCARD
      return cardErrors.noCard(reader);
    case 0x80100069: // SCARD_W_REMOVED_CARD
      return cardErrors.cardRemoved(reader, detail);
    case 0x8010000b: // SCARD_E_SHARING_VIOLATION
      return cardErrors.readerBusy(reader, detail);
    case 0x8010000f: // SCARD_E_PROTO_MISMATCH
    case 0x80100065: // SCARD_W_UNSUPPORTED_CARD
    case 0x80100066: // SCARD_W_UNRESPONSIVE_CARD
    case 0x80100067: // SCARD_W_UNPOWERED_CARD
      return cardErrors.cardMute(reader, detail);
    default:
      return cardErrors.transmitFailed(reader, detail);
  }
}
