/**
 * The counter: one always-focused scan field. A scan (keyboard wedge: code + Enter) shows the decision at once;
 * F9 dispenses (asking for a reason when only an override is possible), F8 writes the reminder slip, Esc clears.
 */
import { Box, Text } from "ink";
import { useCallback, useEffect, useRef, useState } from "react";
import type { Message } from "../../src/domain/message.js";
import { isVirtualCardToken } from "../../src/domain/virtual-card-token.js";
import { parseVisitId } from "../../src/domain/visit-id.js";
import type { CardIdentity, Decision, DispenseResult, DispensingServiceApi } from "../../src/service/types.js";
import { errorNote, type UiActions } from "../actions.js";
import { CounterPrompt } from "../components/CounterPrompt.js";
import { cardMismatch, DecisionPanel } from "../components/DecisionPanel.js";
import { DonePanel } from "../components/DonePanel.js";
import { PausedLine, PhaseLine } from "../components/PhaseLine.js";
import { type Confirmed, confirmedRequest, nextStep } from "../confirm-steps.js";
import { identityKey, type Phase, PROMPTING } from "../counter-phase.js";
import { fill, L, useT } from "../i18n.js";
import { useKeys } from "../key-router.js";
import { newPaperValues, type PaperValues } from "../paper-draft.js";
import { checkPaperEntry } from "../paper-flow.js";
import { columns, keepEnd } from "../text.js";

export interface CounterProps {
  service: DispensingServiceApi;
  pharmacistId: string;
  card?: CardIdentity;
  actions?: UiActions;
  width: number;
  /** Rows the counter may fill (a list question fits its rows to it). */
  height?: number;
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
  height = 20,
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
    if (!actions?.verifyVirtualCard) return restore({ kind: "error", text: L.virtualCardUnavailable });
    try {
      const result = await actions.verifyVirtualCard(token);
      if (!result.ok) return restore({ kind: "error", text: fill(L.virtualCardRejected, { reason: result.message }) });
      // Back to the decision on screen (checked again with the card by the effect below), or the scan field.
      restore(before.kind === "decided" ? { ...before, stale: false } : { kind: "idle" });
      onVirtualCard?.(result.identity);
    } catch (error) {
      restore({ kind: "error", text: errorNote(error) });
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
        // An answer that arrives while something new is being typed answers the previous input: set it aside.
        if (my === seq.current)
          setPhase({ kind: "decided", decision, note, cardId: identityKey(withCard), stale: fieldRef.current !== "" });
      } catch (error) {
        if (my === seq.current) setPhase({ kind: "error", text: errorNote(error) });
      }
    },
    [service, setPhase],
  );

  // A card put in, pulled or scanned while a decision (or a refusal) is on screen: check again with it, so the
  // decision always answers the card at hand. The decision remembers which identity it was checked with. A paper
  // entry is checked again with the new card too; without a card the form asks for the patient from the paper.
  const cardId = identityKey(card);
  useEffect(() => {
    if ((phase.kind !== "decided" && phase.kind !== "refused") || phase.stale || !phase.decision) return;
    if (phase.cardId === cardId) return;
    const entry = phase.kind === "decided" ? phase.confirmed?.paper : undefined;
    if (entry) void recheckPaper.current(entry.scan, entry.values, 0, entry.notUploadedOverride);
    else void check(phase.decision.input, card);
  }, [cardId, card, phase, check]);

  const dispense = async (decision: Decision, confirmed: Confirmed) => {
    if (decision.refillNo === undefined) return;
    const my = ++seq.current;
    setPhase({ kind: "dispensing", decision });
    try {
      // What the pharmacist confirmed on the way: J000 checks, abnormal cause and override reason.
      const steps = { pharmacistId, terminalId: "tui", ...confirmedRequest(confirmed) };
      const entry = confirmed.paper;
      const result = entry
        ? await service.dispensePaper({
            ...steps,
            paper: entry.paper,
            card: entry.card,
            ...(entry.notUploadedOverride ? { notUploadedOverride: entry.notUploadedOverride } : {}),
            confirmKey: `tui:paper:${decision.checkedAt}`,
          })
        : await service.dispense({
            ...steps,
            visitIdInput: decision.input,
            refillNo: decision.refillNo,
            card,
            // The decision on screen, and this confirmation of it: a repeat returns the first success.
            ...(decision.token
              ? { decisionToken: decision.token, confirmKey: `tui:${decision.token}:${decision.checkedAt}` }
              : {}),
          });
      if (my !== seq.current) return;
      if (result.ok) {
        setPhase({ kind: "done", decision, result });
        onVirtualCard?.(undefined); // single use: the next patient shows their own
      } else if (result.decision && (freshDecision(result) || offersAbnormal(result, confirmed))) {
        // The decision changed since it was shown, or NHI went away during the card pass and abnormal dispensing
        // is offered now: show the fresh decision, to be read and confirmed again (F9 then asks for the cause).
        setPhase({
          kind: "decided",
          decision: result.decision,
          note: result.reasons[0]?.message,
          cardId: identityKey(card),
          stale: fieldRef.current !== "",
        });
      } else {
        // Refused at dispense time (stale screen, card missing, NHI said no …): show why, with the fresh decision.
        const fresh = result.decision ?? decision;
        const seen = new Set(result.reasons.map((r) => r.code));
        setPhase({
          kind: "refused",
          cardId: identityKey(card),
          decision: fresh,
          reasons: [...result.reasons, ...fresh.reasons.filter((r) => !seen.has(r.code))],
          stale: fieldRef.current !== "",
        });
      }
    } catch (error) {
      if (my === seq.current) setPhase({ kind: "error", text: errorNote(error) });
    } finally {
      onChanged?.();
    }
  };

  // The next question F9 needs answered (J000 checks, abnormal cause, override reason), or the dispensing itself.
  const proceed = (decision: Decision, confirmed: Confirmed) => {
    const step = nextStep(decision, confirmed);
    if (step === "dispense") void dispense(decision, confirmed);
    else setPhase({ kind: step === "reason" ? "override" : step, decision, confirmed });
  };

  // The paper form's values (or the D024 reason) checked by the service: the form again, or the decision on it.
  const checkPaper = async (
    decision: Decision,
    values: PaperValues,
    attempt: number,
    notUploadedOverride?: { reason: string },
  ) => {
    const my = ++seq.current;
    try {
      const next = await checkPaperEntry(service, { decision, values, card, notUploadedOverride, attempt });
      if (my === seq.current) setPhase(next.kind === "decided" ? { ...next, cardId } : next);
    } catch (error) {
      if (my === seq.current) setPhase({ kind: "error", text: errorNote(error) });
    }
  };

  // The effect above calls the latest one (it reads the card at hand).
  const recheckPaper = useRef(checkPaper);
  recheckPaper.current = checkPaper;

  const printSlip = async (p: Extract<Phase, { kind: "done" }>) => {
    if (!actions?.printSlip) {
      setPhase({ ...p, slipError: L.slipUnavailable });
      return;
    }
    try {
      const { path } = await actions.printSlip(p.result.dispensing.id, locale);
      setPhase((cur) => (cur.kind === "done" ? { ...cur, slip: path, slipError: undefined } : cur));
    } catch (error) {
      setPhase((cur) => (cur.kind === "done" ? { ...cur, slipError: errorNote(error) } : cur));
    }
  };

  // A keystroke in the field starts a new input: the decision on screen answered the previous one, so it is set
  // aside (and F9 with it) until Enter checks what was typed.
  const setAside = () =>
    setPhase((p) => ((p.kind === "decided" || p.kind === "refused") && !p.stale ? { ...p, stale: true } : p));

  useKeys(
    1,
    (e) => {
      if (PROMPTING.includes(phaseRef.current.kind)) return false; // the prompt has the keyboard
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
              setPhase({ kind: "error", text: L.nothingToConfirm });
            return true; // dispensing or done: a repeated F9 changes nothing
          }
          if (cardMismatch(now.decision, card)) setPhase({ ...now, note: L.blockedNoConfirm });
          else if (now.decision.outcome === "block" && now.decision.paperEntry) {
            const values = newPaperValues(now.decision);
            setPhase({ kind: "paper", decision: now.decision, values, errors: {}, attempt: 0 });
          } else if (now.decision.outcome === "dispense" || now.decision.outcome === "override")
            proceed(now.decision, now.confirmed ?? {});
          else if (now.decision.outcome === "card-needed") setPhase({ kind: "typed-id", decision: now.decision });
          else setPhase({ ...now, note: L.blockedNoConfirm });
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
      {!paused &&
      (phase.kind === "decided" ||
        phase.kind === "dispensing" ||
        phase.kind === "typed-id" ||
        phase.kind === "typed-reason") ? (
        <DecisionPanel decision={phase.decision} card={card} width={width} />
      ) : null}
      {!paused && phase.kind === "refused" && phase.decision ? (
        <DecisionPanel
          // Refused: F9 offers nothing here, the paper form included.
          decision={{ ...phase.decision, outcome: "block", reasons: phase.reasons, paperEntry: undefined }}
          card={card}
          width={width}
        />
      ) : null}
      <CounterPrompt
        phase={phase}
        setPhase={setPhase}
        cardId={cardId}
        listHeight={Math.max(3, height - 8)}
        proceed={proceed}
        checkPaper={checkPaper}
        card={card}
        width={width}
        onTypedIdentity={(identity) => onVirtualCard?.(identity)}
      />
      {phase.kind === "done" ? <DonePanel phase={phase} width={width} dim={field.length > 0} /> : null}
    </Box>
  );
}

type Refusal = Extract<DispenseResult, { ok: false }>;

const freshDecision = (result: Refusal) => result.reasons[0]?.code === "decision-changed";

/** NHI went away between the decision and the card pass: the service now offers an abnormal dispensing. */
const offersAbnormal = (result: Refusal, confirmed: Confirmed) =>
  result.kind === "override" && result.decision?.outcome === "override" && !confirmed.reason;
