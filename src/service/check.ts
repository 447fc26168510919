/**
 * Check (查詢可否調劑): parse the scanned visit ID, ask NHI for the prescription's status (or use our last copy
 * when NHI is unreachable), merge it with our own dispensings and let the domain decide. Blocked attempts go to
 * the refill log.
 */
import { decide, type NhiFacts } from "../domain/decision.js";
import { msg } from "../domain/message.js";
import { formatRocDateTime, rocDateFromDate, rocDateTimeFromDate } from "../domain/roc-date.js";
import { parseVisitId, type VisitIdParseResult } from "../domain/visit-id.js";
import type { PrescriptionStatus, PrescriptionStatusResult } from "../nhi/client.js";
import type { ServiceContext } from "./context.js";
import { decisionToken } from "./decision-token.js";
import { isUnavailable, withTimeout } from "./nhi-calls.js";
import { type LocalState, localFacts } from "./store/local-state.js";
import { storedStatusJson } from "./store/prescriptions.js";
import type { CardIdentity, Decision } from "./types.js";

export interface Evaluation {
  decision: Decision;
  nhi: NhiFacts;
}

export interface CheckInput {
  visitIdInput: string;
  card?: CardIdentity;
}

export async function check(ctx: ServiceContext, input: { visitIdInput: string; card?: CardIdentity }) {
  const { decision } = await evaluate(ctx, input, { queueStore: true });
  await logBlocked(ctx, decision);
  return decision;
}

/** NHI's status of a prescription, or "unreachable" (a timeout counts as unreachable). */
export async function fetchStatus(
  ctx: ServiceContext,
  originalVisitId: string,
): Promise<{ reachable: true; result: PrescriptionStatusResult } | { reachable: false }> {
  try {
    const result = await withTimeout("prescriptionStatus", ctx.timeoutMs, () =>
      ctx.nhi.prescriptionStatus(ctx.caller, originalVisitId),
    );
    return { reachable: true, result };
  } catch (error) {
    if (isUnavailable(error)) return { reachable: false };
    throw error;
  }
}

/**
 * Stores NHI's answer when it says something new; a scan usually finds nothing new: then the stored copy is left
 * alone (the check stays read-only and fast) and only the in-memory "last seen" time moves. `stored`: our copy's
 * JSON when the caller has just read it (null for none), else it is read here. `queue`: leave the answer queued for
 * storing instead of waiting for its commit (a check; see ServiceContext.queueStatus). Answers whether the answer
 * was new.
 */
export async function syncStatus(
  ctx: ServiceContext,
  status: PrescriptionStatus,
  now: Date,
  stored?: string | null,
  options: { queue?: boolean } = {},
): Promise<boolean> {
  const ours = stored !== undefined ? stored : await storedStatusJson(ctx.db, status.originalVisitId);
  ctx.lastSeen.set(status.originalVisitId, now);
  const json = JSON.stringify(status);
  if (ours === json) return false;
  const sync = { status, at: now, json };
  await (options.queue ? ctx.queueStatus(sync) : ctx.syncStatus(sync));
  return true;
}

/**
 * The decision for one visit-ID input, with the NHI facts and our state it was made from. `queueStore`: a check
 * leaves NHI's answer queued for storing (ServiceContext.queueStatus); a dispensing waits until it is stored.
 */
export async function evaluate(
  ctx: ServiceContext,
  input: CheckInput,
  { queueStore: queue = false }: { queueStore?: boolean } = {},
): Promise<Evaluation> {
  const now = ctx.now();
  const parsed = parseVisitId(input.visitIdInput);
  let nhi: NhiFacts = { reachable: true, result: { found: false, code: "D074", message: msg("", "") } };
  let local: LocalState = { active: [], deletedVisitIds: [] };
  if (parsed.valid && parsed.kind === "standard") {
    const fetched = await fetchStatus(ctx, parsed.visitId);
    const status = fetched.reachable && fetched.result.found ? fetched.result.status : undefined;
    // A prescription new to us may be a patient's we know from another one: the lookup answers their name.
    local = await ctx.localState(parsed.visitId, {
      cached: !fetched.reachable,
      ...(status ? { nationalId: status.nationalId } : {}),
    });
    // Storing NHI's answer changes none of our dispensings and no name.
    if (status) await syncStatus(ctx, status, now, local.prescription?.nhi_status_json ?? null, { queue });
    nhi = fetched.reachable ? fetched : cachedFacts(ctx, parsed.visitId, local);
  }
  const decision = decideOn(ctx, { parsed, card: input.card, now, nhi, local });
  decision.token = decisionToken(decision);
  return { decision, nhi };
}

/** The domain's decision on the facts gathered: the scan, the card, NHI's answer (or our copy) and our dispensings. */
export function decideOn(
  ctx: ServiceContext,
  facts: { parsed: VisitIdParseResult; card?: CardIdentity; now: Date; nhi: NhiFacts; local: LocalState },
): Decision {
  const { nhi, local } = facts;
  return decide({
    parsed: facts.parsed,
    card: facts.card,
    now: facts.now,
    today: rocDateFromDate(facts.now),
    pharmacyCode: ctx.pharmacy.pharmacyCode,
    nhi,
    local: localFacts(local.active),
    deletedVisitIds: local.deletedVisitIds,
    patientName: local.patientName,
    institutionName: namesFrom(ctx, nhi.reachable ? (nhi.result.found ? nhi.result.status : undefined) : nhi.cached),
  });
}

/** Institution names: the configured lookup first, else the names NHI's status answer carries. */
function namesFrom(
  ctx: ServiceContext,
  status: PrescriptionStatus | undefined,
): ((code: string) => string | undefined) | undefined {
  const known = new Map<string, string>();
  if (status?.prescriberName) known.set(status.prescriberInstitutionCode, status.prescriberName);
  for (const r of status?.refills ?? [])
    if (r.dispensedBy && r.dispensedByName) known.set(r.dispensedBy, r.dispensedByName);
  const lookup = ctx.options.institutionName;
  if (known.size === 0) return lookup;
  return (code) => lookup?.(code) ?? known.get(code);
}

/** NHI unreachable: our last stored copy of its status, and when NHI last said it. */
function cachedFacts(ctx: ServiceContext, originalVisitId: string, local: LocalState): NhiFacts {
  const nhi: NhiFacts = { reachable: false };
  if (!local.status) return nhi;
  nhi.cached = local.status;
  const seen = [local.prescription?.nhi_checked_at, ctx.lastSeen.get(originalVisitId)?.toISOString()]
    .filter((x): x is string => !!x)
    .sort()
    .at(-1);
  if (seen) nhi.cachedAt = formatRocDateTime(rocDateTimeFromDate(new Date(seen)));
  return nhi;
}

/** Records a blocked decision in the refill log (the owner's "duplicate dispensings stopped" count). */
export async function logBlocked(ctx: ServiceContext, decision: Decision, pharmacistId?: string): Promise<void> {
  if (decision.outcome !== "block" || !decision.originalVisitId || !decision.prescription) return;
  const blocks = decision.reasons.filter((r) => r.severity === "block");
  await ctx.blockedEvents.add({
    type: "blocked",
    at: ctx.now(),
    originalVisitId: decision.originalVisitId,
    refillNo: decision.refillNo,
    nationalId: decision.prescription.nationalId,
    prescriberInstitutionCode: decision.prescription.prescriberInstitutionCode,
    institutionCode: ctx.pharmacy.pharmacyCode,
    pharmacistId,
    reason: blocks.map((r) => r.code).join(","),
    nhiCodes: blocks.flatMap((r) => (r.nhiCode ? [r.nhiCode] : [])),
    message: {
      zh: blocks.map((r) => r.message.zh).join("；"),
      en: blocks.map((r) => r.message.en).join("; "),
    },
  });
}
