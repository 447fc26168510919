/**
 * What the pharmacist needs after a scan, in one box: the decision in big words, who, from which prescriber,
 * refill n of N, the window in ROC dates, and every reason. A card of another person is shouted.
 */
import { Box, Text } from "ink";
import type { Message } from "../../src/domain/message.js";
import { describeCorrections, formatVisitIdGrouped } from "../../src/domain/visit-id.js";
import type { CardIdentity, Decision, DecisionReason } from "../../src/service/types.js";
import { L, useT } from "../i18n.js";
import { maskId, rocDate, rocDateTime } from "../text.js";

const SEVERITY_MARK: Record<DecisionReason["severity"], { mark: string; color: string }> = {
  block: { mark: "✕", color: "red" },
  override: { mark: "!", color: "yellow" },
  warning: { mark: "!", color: "yellow" },
  info: { mark: "·", color: "gray" },
};

/**
 * The big words and their colour. A block that offers the paper form says what can be done (enter it from the
 * paper) and why, not "do not dispense" beside the F9 that does it.
 */
function headStyle(decision: Decision): { color: string; big: Message; side: Message } {
  if (decision.outcome === "block" && decision.paperEntry) {
    return { color: "yellow", big: L.paperBig, side: L.paperWhy[decision.paperEntry] };
  }
  const style = outcomeStyle(decision.outcome);
  return { color: style.color, big: L[style.label] as Message, side: decision.headline };
}

export function outcomeStyle(outcome: Decision["outcome"]): { color: string; label: keyof typeof L } {
  if (outcome === "dispense") return { color: "green", label: "okToDispense" };
  if (outcome === "override") return { color: "yellow", label: "needsOverride" };
  if (outcome === "card-needed") return { color: "cyan", label: "cardNeeded" };
  return { color: "red", label: "doNotDispense" };
}

/** A person as a glance-safe text: the name when known, otherwise the masked national ID. */
function who(name: string | undefined, nationalId: string | undefined): string {
  return name ?? (nationalId ? maskId(nationalId) : "?");
}

/** True when the card in the reader belongs to someone else than the prescription's patient. */
export function cardMismatch(decision: Decision, card: CardIdentity | undefined): boolean {
  const rx = decision.prescription?.nationalId;
  return Boolean(
    (card && rx && card.nationalId.toUpperCase() !== rx.toUpperCase()) ||
      decision.reasons.some((r) => r.code === "person-mismatch"),
  );
}

export function DecisionPanel({ decision, card, width }: { decision: Decision; card?: CardIdentity; width: number }) {
  const { t } = useT();
  const style = headStyle(decision);
  const p = decision.prescription;
  const inner = width - 4;
  const mismatch = cardMismatch(decision, card);
  const refills =
    p && decision.refillNo !== undefined
      ? p.chronic
        ? t(L.refillNofN, { n: decision.refillNo, total: p.refillCount })
        : t(L.singlePrescription)
      : "";
  const reasons = decision.reasons.filter((r) => r.code !== "visit-id-corrected");
  // "可調劑：慢箋第3次" adds nothing to the big words and "第 3 次 / 共 3 次" next to them.
  const big = t(style.big).replace(/\s+/g, "").toLowerCase();
  const redundant = t(style.side).replace(/\s+/g, "").toLowerCase().startsWith(big);
  const drugs = (p?.orders ?? []).filter((o) => o.drugCode);
  // Earlier dispensings are history, shown as such (not as reasons).
  const history = (p?.refills ?? [])
    .filter((r) => r.state === "dispensed")
    .map((r) =>
      t(L.historyEntry, {
        n: r.refillNo,
        where: r.dispensedHere ? t(L.historyHere) : (r.dispensedBy ?? "?"),
        at: rocDateTime(r.dispensedAt),
      }),
    );
  const drugText = drugs
    .map((o) => `${o.drugCode}${o.days ? ` ${o.days}d` : ""}${o.totalQuantity ? ` ×${o.totalQuantity}` : ""}`)
    .join("  ");
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={style.color} paddingX={1} width={width}>
      <Box gap={2}>
        <Box flexShrink={0}>
          <Text backgroundColor={style.color} color={style.color === "yellow" ? "black" : "white"} bold>
            {`  ${t(style.big)}  `}
          </Text>
        </Box>
        <Text bold>{refills}</Text>
        {redundant ? null : (
          <Text color={style.color} bold wrap="wrap">
            {t(style.side)}
          </Text>
        )}
      </Box>
      {mismatch ? (
        <Text backgroundColor="red" color="white" bold wrap="wrap">
          {t(L.cardMismatch, {
            card: who(card?.name, card?.nationalId ?? decision.evidence?.nationalId),
            rx: who(p?.patientName, p?.nationalId),
          })}
        </Text>
      ) : null}
      {decision.originalVisitId ? (
        <Text wrap="wrap">
          <Text color="gray">{t(L.visitId)} </Text>
          {formatVisitIdGrouped(decision.originalVisitId)}
          {decision.corrections.length > 0 ? (
            <Text color="yellow"> {t(describeCorrections(decision.corrections))}</Text>
          ) : null}
        </Text>
      ) : null}
      {p ? (
        <>
          <Text wrap="wrap">
            <Text color="gray">{t(L.patient)} </Text>
            {p.patientName ? <Text bold>{p.patientName} </Text> : null}
            {p.nationalId}
            {card && !mismatch && card.source !== "typed" ? <Text color="green"> ✓ {t(L.cardMatches)}</Text> : null}
            {card && !mismatch && card.source === "typed" ? <Text color="yellow"> ({t(L.typedEvidence)})</Text> : null}
            {!card ? <Text color="gray"> ({t(L.noCardInserted)})</Text> : null}
          </Text>
          <Text wrap="wrap">
            <Text color="gray">{t(L.prescriber)} </Text>
            {p.prescriberInstitutionCode}
            {p.prescriberName ? ` ${p.prescriberName}` : ""}
            <Text color="gray"> {t(L.visitedAt)} </Text>
            {rocDateTime(p.originalVisitDateTime)}
            {p.originalSequenceNumber ? (
              <>
                <Text color="gray"> {t(L.seqNo)} </Text>
                {p.originalSequenceNumber}
              </>
            ) : null}
          </Text>
          <Text wrap="wrap">
            <Text color="gray">{t(L.prescription)} </Text>
            {t(L.daysEach, { days: p.daysPerRefill })}
            {p.totalDays ? ` · ${t(L.daysTotal, { days: p.totalDays })}` : ""}
            {drugText ? (
              <>
                <Text color="gray"> {t(L.drugs)} </Text>
                {drugText}
              </>
            ) : null}
          </Text>
        </>
      ) : null}
      {history.length > 0 ? (
        <Text wrap="wrap">
          <Text color="gray">{t(L.dispensedBefore)} </Text>
          {history.join("；")}
        </Text>
      ) : null}
      {decision.window ? (
        <Text wrap="wrap">
          <Text color="gray">{t(L.window)} </Text>
          <Text bold>
            {rocDate(decision.window.from)} – {rocDate(decision.window.to)}
          </Text>
        </Text>
      ) : null}
      {reasons.map((r, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: reasons may repeat a code
        <Box key={i} width={inner}>
          <Box width={2} flexShrink={0}>
            <Text color={SEVERITY_MARK[r.severity].color} bold>
              {SEVERITY_MARK[r.severity].mark}
            </Text>
          </Box>
          <Text color={SEVERITY_MARK[r.severity].color} wrap="wrap" bold={r.severity === "block"}>
            {reasonText(r, t(r.message))}
          </Text>
        </Box>
      ))}
      {!decision.nhiReachable ? <Text color="yellow">! {t(L.nhiNotReachableCheck)}</Text> : null}
    </Box>
  );
}

/** A reason with its NHI code when the text does not already name it (wrapped, never cut). */
function reasonText(r: DecisionReason, text: string): string {
  return r.nhiCode && !text.includes(r.nhiCode) ? `${text} (${r.nhiCode})` : text;
}
