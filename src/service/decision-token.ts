/**
 * A decision's token: a digest of what confirming it would do and why — the normalized visit ID, the identity
 * evidence, the refill, the outcome, the reasons and every refill's state. A confirm carrying a token is refused with
 * the fresh decision when the token it would get now differs (the screen, or the API client, saw something else).
 */
import { createHash } from "node:crypto";
import type { Decision } from "./types.js";

export function decisionToken(d: Decision): string {
  const material = {
    visitId: d.originalVisitId ?? d.input,
    evidence: d.evidence ?? null,
    refillNo: d.refillNo ?? null,
    outcome: d.outcome,
    reasons: d.reasons.map((r) => [r.code, r.severity, r.nhiCode ?? null]),
    refills: (d.prescription?.refills ?? []).map((r) => [
      r.refillNo,
      r.state,
      r.dispensedBy ?? null,
      r.dispensedAt ?? null,
    ]),
    window: d.window ?? null,
  };
  return `dt1_${createHash("sha256").update(JSON.stringify(material)).digest("base64url").slice(0, 32)}`;
}
