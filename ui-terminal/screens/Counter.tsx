/**
 * The counter: one always-focused scan field. A scan (keyboard wedge: code + Enter) shows the decision at once;
 * F9 dispenses (asking for a reason when only an override is possible), F8 writes the reminder slip, Esc clears.
 */
import { Box, Text } from "ink";
import { useCallback, useEffect, useRef, useState } from "react";
import type { Message } from "../../src/domain/message.js";
import { isVirtualCardToken } from "../../src/domain/virtual-card-token.js";
import { describeCorrections, parseVisitId } from "../../src/domain/visit-id.js";
import type {
  CardIdentity,
  Decision,
  DecisionReason,
  DispenseResult,
  DispensingServiceApi,
} from "../../src/service/types.js";
import { errorText, type UiActions } from "../actions.js";
import { cardMismatch, DecisionPanel } from "../components/DecisionPanel.js";
import { TextPrompt } from "../components/TextPrompt.js";
import { L, useT } from "../i18n.js";
import { useKeys } from "../key-router.js";
import { columns, keepEnd, rocDate } from "../text.js";

type Done = Extract<DispenseResult, { ok: true }>;

type Phase =
  | { kind: "idle" }
  | { kind: "checking"; input: string }
  | { kind: "decided"; decision: Decision; note?: Message | string; cardId?: string; stale?: boolean }
  | { kind: "override"; decision: Decision; error?: string }
  | { kind: "dispensing"; decision: Decision }
  | { kind: "done"; decision: Decision; result: Done; slip?: string; slipError?: string }
  | { kind: "refused"; decision?: Decision; reasons: DecisionReason[]; stale?: boolean }
  | { kind: "invalid"; input: string; message: Message }
  | { kind: "error"; text: string };

export interface CounterProps {
  service: DispensingServiceApi;
  pharmacistId: string;
  card?: CardIdentity;
  actions?: UiActions;
  width: number;
  /** A virtual NHI card was scanned (identity), or the patient is done (undefined). */
  onVirtualCard?(identity: CardIdentity | undefined): void;
  /** Something changed the outbox (a dispensing): refresh the status bar. */
  onChanged?(): void;
  active?: boolean;
}

export function Counter({
  service,
  pharmacistId,
  card,
  actions,
  width,
  onChanged,
  onVirtualCard,
  active = true,
}: CounterProps) {
  const { t, locale } = useT();
  // The field is kept in a ref too: a scanner's burst (code + Enter) arrives before React re-renders.
  const [field, setFieldState] = useState("");
  const fieldRef = useRef("");
  const setField = (update: string | ((f: string) => string)) => {
    fieldRef.current = typeof update === "function" ? update(fieldRef.current) : update;
    setFieldState(fieldRef.current);
  };
  const [phase, setPhaseState] = useState<Phase>({ kind: "idle" });
  // The phase is kept in a ref too: a second F9 in the same burst must see "dispensing", not the old decision.
  const phaseRef = useRef<Phase>(phase);
  const setPhase = useCallback((update: Phase | ((p: Phase) => Phase)) => {
    phaseRef.current = typeof update === "function" ? update(phaseRef.current) : update;
    setPhaseState(phaseRef.current);
  }, []);
  const seq = useRef(0);

  const scanVirtualCard = async (token: string) => {
    const my = ++seq.current;
    const before = phaseRef.current;
    setPhase({ kind: "checking", input: token });
    const restore = (p: Phase) => (my === seq.current ? setPhase(p) : undefined);
    if (!actions?.verifyVirtualCard) return restore({ kind: "error", text: t(L.virtualCardUnavailable) });
    try {
      const result = await actions.verifyVirtualCard(token);
      if (!result.ok) return restore({ kind: "error", text: t(L.virtualCardRejected, { reason: t(result.message) }) });
      // Back to the decision on screen (checked again with the card by the effect below), or the scan field.
      restore(before.kind === "decided" ? { ...before, stale: false } : { kind: "idle" });
      onVirtualCard?.(result.identity);
    } catch (error) {
      restore({ kind: "error", text: errorText(error, locale) });
    }
  };

  const check = useCallback(
    async (input: string, withCard: CardIdentity | undefined, note?: Message | string) => {
      const parsed = parseVisitId(input);
      const my = ++seq.current;
      if (!parsed.valid) {
        setPhase({ kind: "invalid", input, message: parsed.reason });
        return;
      }
      setPhase({ kind: "checking", input });
      try {
        const decision = await service.check({ visitIdInput: input, card: withCard });
        if (my === seq.current) setPhase({ kind: "decided", decision, note, cardId: withCard?.nationalId });
      } catch (error) {
        if (my === seq.current) setPhase({ kind: "error", text: errorText(error, locale) });
      }
    },
    [service, locale, setPhase],
  );

  // A card put in, pulled or scanned while a decision is on screen: check again with it, so a person mismatch
  // (or a match) shows at once. The decision remembers which card it was checked with.
  const cardId = card?.nationalId;
  useEffect(() => {
    if (phase.kind === "decided" && !phase.stale && phase.cardId !== cardId) void check(phase.decision.input, card);
  }, [cardId, card, phase, check]);

  const dispense = async (decision: Decision, override?: string) => {
    if (decision.refillNo === undefined) return;
    const my = ++seq.current;
    setPhase({ kind: "dispensing", decision });
    try {
      const result = await service.dispense({
        visitIdInput: decision.input,
        refillNo: decision.refillNo,
        pharmacistId,
        card,
        override: override ? { reason: override } : undefined,
        terminalId: "tui",
      });
      if (my !== seq.current) return;
      if (result.ok) {
        setPhase({ kind: "done", decision, result });
        onVirtualCard?.(undefined); // single use: the next patient shows their own
      } else {
        // Refused at dispense time (stale screen, card missing, NHI said no …): show why, with the fresh decision.
        const fresh = result.decision ?? decision;
        const seen = new Set(result.reasons.map((r) => r.code));
        setPhase({
          kind: "refused",
          decision: fresh,
          reasons: [...result.reasons, ...fresh.reasons.filter((r) => !seen.has(r.code))],
        });
      }
    } catch (error) {
      if (my === seq.current) setPhase({ kind: "error", text: errorText(error, locale) });
    } finally {
      onChanged?.();
    }
  };

  const printSlip = async (p: Extract<Phase, { kind: "done" }>) => {
    if (!actions?.printSlip) {
      setPhase({ ...p, slipError: t(L.slipUnavailable) });
      return;
    }
    try {
      const { path } = await actions.printSlip(p.result.dispensing.id, locale);
      setPhase((cur) => (cur.kind === "done" ? { ...cur, slip: path, slipError: undefined } : cur));
    } catch (error) {
      setPhase((cur) => (cur.kind === "done" ? { ...cur, slipError: errorText(error, locale) } : cur));
    }
  };

  // A keystroke in the field starts a new input: the decision on screen answered the previous one, so it is set
  // aside (and F9 with it) until Enter checks what was typed.
  const setAside = () =>
    setPhase((p) => ((p.kind === "decided" || p.kind === "refused") && !p.stale ? { ...p, stale: true } : p));

  useKeys(
    1,
    (e) => {
      if (phaseRef.current.kind === "override") return false; // the reason prompt has the keyboard
      if (e.kind === "text") {
        setField((f) => f + e.text);
        setAside();
        return true;
      }
      if (e.kind === "ctrl" && e.letter === "u") {
        setField("");
        setAside();
        return true;
      }
      if (e.kind !== "key") return false;
      switch (e.name) {
        case "backspace":
          setField((f) => [...f].slice(0, -1).join(""));
          setAside();
          return true;
        case "return":
          if (fieldRef.current.trim()) {
            const input = fieldRef.current;
            setField("");
            if (isVirtualCardToken(input)) void scanVirtualCard(input.trim());
            else void check(input, card);
          }
          return true;
        case "escape":
          if (fieldRef.current) setField("");
          else {
            seq.current++;
            setPhase({ kind: "idle" });
            onVirtualCard?.(undefined);
          }
          return true;
        case "f9": {
          const now = phaseRef.current;
          // Something typed since the decision: it no longer answers what is in the field. Enter checks it first.
          if ((now.kind === "decided" || now.kind === "refused") && now.stale) return true;
          if (now.kind !== "decided") {
            if (now.kind === "idle" || now.kind === "invalid" || now.kind === "error")
              setPhase({ kind: "error", text: t(L.nothingToConfirm) });
            return true; // dispensing or done: a repeated F9 changes nothing
          }
          if (cardMismatch(now.decision, card)) setPhase({ ...now, note: t(L.blockedNoConfirm) });
          else if (now.decision.outcome === "dispense") void dispense(now.decision);
          else if (now.decision.outcome === "override") setPhase({ kind: "override", decision: now.decision });
          else setPhase({ ...now, note: t(L.blockedNoConfirm) });
          return true;
        }
        case "f8":
          if (phaseRef.current.kind === "done") void printSlip(phaseRef.current);
          return true;
        default:
          return false;
      }
    },
    active,
  );

  const prompt = `${t(L.scanPrompt)} ▸ `;
  const paused = (phase.kind === "decided" || phase.kind === "refused") && phase.stale === true;
  return (
    <Box flexDirection="column" width={width}>
      <Box height={1}>
        <Text bold color="cyan">
          {prompt}
        </Text>
        <Text>{keepEnd(field, width - columns(prompt) - 1)}</Text>
        <Text inverse> </Text>
      </Box>
      {paused ? <PausedLine phase={phase} /> : <PhaseLine phase={phase} />}
      {!paused && (phase.kind === "decided" || phase.kind === "override" || phase.kind === "dispensing") ? (
        <DecisionPanel decision={phase.decision} card={card} width={width} />
      ) : null}
      {!paused && phase.kind === "refused" && phase.decision ? (
        <DecisionPanel
          decision={{ ...phase.decision, outcome: "block", reasons: phase.reasons }}
          card={card}
          width={width}
        />
      ) : null}
      {phase.kind === "override" ? (
        <TextPrompt
          label={t(L.overridePrompt)}
          error={phase.error}
          onCancel={() => setPhase({ kind: "decided", decision: phase.decision, cardId: card?.nationalId })}
          onSubmit={(reason) => {
            if (!reason.trim()) setPhase({ ...phase, error: t(L.reasonRequired) });
            else void dispense(phase.decision, reason.trim());
          }}
        />
      ) : null}
      {phase.kind === "done" ? <DonePanel phase={phase} width={width} dim={field.length > 0} /> : null}
    </Box>
  );
}

/** The decision on screen answered the previous input: say so instead of showing it as if it still held. */
function PausedLine({ phase }: { phase: Extract<Phase, { kind: "decided" } | { kind: "refused" }> }) {
  const { t } = useT();
  const visitId = phase.decision?.originalVisitId ?? phase.decision?.input ?? "";
  return (
    <Text color="yellow" wrap="wrap">
      {t(L.decisionPaused, { visitId })}
    </Text>
  );
}

function PhaseLine({ phase }: { phase: Phase }) {
  const { t } = useT();
  switch (phase.kind) {
    case "idle":
      return (
        <Text color="gray" wrap="wrap">
          {t(L.scanHint)}
        </Text>
      );
    case "checking":
      return <Text color="cyan">{t(L.checking)}</Text>;
    case "dispensing":
      return <Text color="cyan">{t(L.dispensing)}</Text>;
    case "invalid":
      return (
        <Text color="red" bold wrap="wrap">
          ✕ {t(phase.message)}
        </Text>
      );
    case "error":
      return (
        <Text color="red" bold wrap="wrap">
          ✕ {phase.text}
        </Text>
      );
    case "decided": {
      const hint =
        phase.decision.outcome === "dispense"
          ? t(L.confirmKey)
          : phase.decision.outcome === "override"
            ? t(L.overrideKey)
            : "";
      const corrected = phase.decision.corrections.length > 0 ? t(describeCorrections(phase.decision.corrections)) : "";
      const note = typeof phase.note === "string" ? phase.note : phase.note ? t(phase.note) : "";
      return (
        <Text wrap="wrap">
          {hint ? (
            <Text inverse bold color={phase.decision.outcome === "dispense" ? "green" : "yellow"}>
              {` ${hint} `}
            </Text>
          ) : null}
          {note ? <Text color="red"> {note}</Text> : null}
          {corrected ? <Text color="yellow"> {corrected}</Text> : null}
        </Text>
      );
    }
    case "override":
      return <Text color="yellow">{t(L.overrideKey)}</Text>;
    case "refused":
      return (
        <Text color="red" bold>
          {t(L.dispenseRefused)}
        </Text>
      );
    case "done":
      return (
        <Text color="gray" wrap="wrap">
          {t(L.scanHint)}
        </Text>
      );
  }
}

function DonePanel({ phase, width, dim }: { phase: Extract<Phase, { kind: "done" }>; width: number; dim: boolean }) {
  const { t } = useT();
  const d = phase.result.dispensing;
  const next = phase.result.nextRefill;
  const p = phase.decision.prescription;
  return (
    <Box flexDirection="column" borderStyle="double" borderColor={dim ? "gray" : "green"} paddingX={1} width={width}>
      <Text color={dim ? "gray" : "green"} bold wrap="wrap">
        ✓ {t(L.dispensed, { n: d.refillNo, visitId: d.visitId })}
      </Text>
      {p ? (
        <Text wrap="wrap">
          {p.patientName ?? ""} {p.nationalId} · {d.days}d
        </Text>
      ) : null}
      {d.override ? <Text color="yellow">! {d.override.reason}</Text> : null}
      {next ? (
        <Text bold wrap="wrap">
          {t(L.nextRefill, { n: next.refillNo, from: rocDate(next.window.from), to: rocDate(next.window.to) })}
        </Text>
      ) : (
        <Text>{t(L.lastRefill)}</Text>
      )}
      {next ? (
        <Text>
          <Text inverse> F8 </Text> {t(L.slipKey).replace(/^F8\s*/, "")}
        </Text>
      ) : null}
      {phase.slip ? (
        <Text color="green" wrap="wrap">
          {t(L.slipWritten, { path: phase.slip })}
        </Text>
      ) : null}
      {phase.slipError ? (
        <Text color="red" wrap="wrap">
          {phase.slipError}
        </Text>
      ) : null}
    </Box>
  );
}
