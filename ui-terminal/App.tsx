/**
 * The terminal UI: counter first, back-office views on F-keys, status bar and keys always on screen. The layout
 * takes the terminal's full width (at least 60 columns) and one line less than its height, so each repaint rewrites
 * the same lines; text a pharmacist must read wraps rather than being cut.
 */
import { Box, Text, useApp } from "ink";
import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import type { Locale } from "../src/domain/message.js";
import { rocDateTimeFromDate } from "../src/domain/roc-date.js";
import type { CardIdentity, DispensingServiceApi, ServiceHealth } from "../src/service/types.js";
import type { UiActions } from "./actions.js";
import { type CardEvent, type CardSource, currentCard, INITIAL_CARD_STATE, reduceCard } from "./card-state.js";
import { type Hint, KeyHints } from "./components/KeyHints.js";
import { StatusBar } from "./components/StatusBar.js";
import { fill, HINTS, L, LocaleContext, type Note, tr } from "./i18n.js";
import { KeyRouter, useKeys } from "./key-router.js";
import { Codes } from "./screens/Codes.js";
import { Counter } from "./screens/Counter.js";
import { type DemoCase, Help } from "./screens/Help.js";
import { History } from "./screens/History.js";
import { Incidents } from "./screens/Incidents.js";
import { Outbox } from "./screens/Outbox.js";
import { RefillLog } from "./screens/RefillLog.js";
import { RefillsDue } from "./screens/RefillsDue.js";
import { maskId, rocDateTime } from "./text.js";

export type Screen = "counter" | "help" | "history" | "due" | "log" | "outbox" | "codes" | "incidents";

export interface AppProps {
  service: DispensingServiceApi;
  pharmacistId: string;
  pharmacyName?: string;
  cards?: CardSource;
  actions?: UiActions;
  locale?: Locale;
  /** A line shown under the header, also when it arrives later (why English was chosen, why no demo). */
  notice?: Note;
  /** Demo prescriptions seeded in the sandbox, listed on the help screen. */
  demoCases?: DemoCase[];
  now?: () => Date;
  /** How often the status bar asks the service for its health (ms). */
  statusIntervalMs?: number;
  columns?: number;
  rows?: number;
  onQuit?(): void;
}

export function App(props: AppProps) {
  return (
    <KeyRouter>
      <Shell {...props} />
    </KeyRouter>
  );
}

const SCREEN_KEYS: Record<string, Screen> = {
  f1: "help",
  f3: "history",
  f4: "due",
  f5: "log",
  f6: "outbox",
  f7: "codes",
  f12: "incidents",
};

function Shell({
  service,
  pharmacistId,
  pharmacyName,
  cards,
  actions,
  locale: initialLocale = "zh-TW",
  notice,
  demoCases,
  now = () => new Date(),
  statusIntervalMs = 5000,
  columns = 80,
  rows = 24,
  onQuit,
}: AppProps) {
  const { exit } = useApp();
  const [locale, setLocale] = useState<Locale>(initialLocale);
  const [screen, setScreen] = useState<Screen>("counter");
  const [quitting, setQuittingState] = useState(false);
  const quittingRef = useRef(false);
  const setQuitting = (value: boolean) => {
    quittingRef.current = value;
    setQuittingState(value);
  };
  const [health, setHealth] = useState<ServiceHealth | undefined>();
  const [card, dispatchCard] = useReducer(reduceCard, INITIAL_CARD_STATE);
  const [virtualCard, setVirtualCard] = useState<CardIdentity | undefined>();
  // Kept as a message in both languages: F2 switches the line under the counter too.
  const [flash, setFlash] = useState<{ text: Note; color: string } | undefined>(
    notice ? { text: notice, color: "yellow" } : undefined,
  );
  const flashTimer = useRef<NodeJS.Timeout | undefined>(undefined);
  const width = Math.max(60, columns);
  const height = Math.max(16, rows - 1);
  const bodyHeight = height - 4;
  const t = (m: Parameters<typeof tr>[0], vars?: Record<string, string | number>) => tr(m, locale, vars);

  // Open incidents (re-check conflicts) for the pharmacist in charge: a banner on every screen until acknowledged.
  const [openIncidents, setOpenIncidents] = useState(0);
  const refreshHealth = useCallback(() => {
    service.incidents({ state: "open" }).then(
      (list) => setOpenIncidents(list.length),
      () => undefined,
    );
    service.health().then(
      // An unchanged status keeps the same state object, so the periodic refresh repaints nothing.
      (next) => setHealth((h) => (h && JSON.stringify(h) === JSON.stringify(next) ? h : next)),
      () => setHealth((h) => (h ? { ...h, nhiReachable: false, database: false } : undefined)),
    );
  }, [service]);
  useEffect(() => {
    refreshHealth();
    const timer = setInterval(refreshHealth, statusIntervalMs);
    return () => clearInterval(timer);
  }, [refreshHealth, statusIntervalMs]);

  const showFlash = useCallback((text: Note, color: string) => {
    clearTimeout(flashTimer.current);
    setFlash({ text, color });
    flashTimer.current = setTimeout(() => setFlash(undefined), 8000);
  }, []);
  useEffect(() => () => clearTimeout(flashTimer.current), []);
  // A notice that arrives after the first screen (the database and NHI open behind it) is shown when it comes.
  useEffect(() => {
    if (notice) setFlash({ text: notice, color: "yellow" });
  }, [notice]);
  // Once the demo prescriptions are known (the database opens after the first screen), point to them.
  const hasDemo = (demoCases?.length ?? 0) > 0;
  useEffect(() => {
    if (hasDemo) setFlash((f) => f ?? { text: L.demoHint, color: "yellow" });
  }, [hasDemo]);

  const cardRef = useRef(card);
  cardRef.current = card;
  useEffect(() => {
    if (!cards) return;
    const onEvent = (event: CardEvent) => {
      const had = cardRef.current.cards;
      dispatchCard(event);
      if (event.type === "card-inserted") {
        showFlash(
          fill(L.cardInserted, { name: event.identity.name ?? "", id: maskId(event.identity.nationalId) }),
          "cyan",
        );
      } else if (event.type === "card-removed" && had[event.reader]) {
        showFlash(L.cardRemoved, "gray");
      } else if (event.type === "error" && event.error.code !== "pcscd-not-running") {
        showFlash(event.error.reason, "yellow");
      }
    };
    cards.on("event", onEvent);
    return () => {
      cards.off("event", onEvent);
    };
  }, [cards, showFlash]);

  const quit = () => {
    onQuit?.();
    exit();
  };

  // The quit question takes every key first (layer 3), so the screen behind it cannot act on them (the upload
  // queue's Y retried an upload instead of quitting); read from the ref, a Y typed right after F10 answers it.
  useKeys(3, (e) => {
    if (!quittingRef.current) return false;
    if (e.kind === "text" && e.text.toLowerCase() === "y") quit();
    else if (e.kind === "key" && (e.name === "escape" || e.name === "return")) setQuitting(false);
    return true;
  });

  useKeys(0, (e) => {
    if (e.kind === "ctrl" && e.letter === "c") {
      quit();
      return true;
    }
    if (e.kind !== "key") return false;
    if (e.name === "f2") {
      setLocale((l) => (l === "en" ? "zh-TW" : "en"));
      return true;
    }
    if (e.name === "f10") {
      setQuitting(true);
      return true;
    }
    const target = SCREEN_KEYS[e.name];
    if (target) {
      setScreen((s) => (s === target ? "counter" : target));
      return true;
    }
    if (e.name === "escape") {
      setScreen("counter");
      return true;
    }
    return false;
  });

  const hints: readonly Hint[] =
    screen === "counter"
      ? HINTS.counter
      : screen === "history"
        ? HINTS.history
        : screen === "due"
          ? HINTS.due
          : screen === "log"
            ? HINTS.log
            : screen === "outbox"
              ? HINTS.outbox
              : screen === "codes"
                ? HINTS.codes
                : screen === "incidents"
                  ? HINTS.incidents
                  : screen === "help"
                    ? HINTS.help
                    : HINTS.back;
  const clock = rocDateTime(rocDateTimeFromDate(now()));
  return (
    <LocaleContext.Provider value={locale}>
      <Box flexDirection="column" width={width} height={height} overflow="hidden">
        <Box height={1} justifyContent="space-between">
          <Text wrap="truncate">
            <Text bold inverse color="cyan">
              {` ${t(L.title)} `}
            </Text>
            {pharmacyName ? ` ${pharmacyName}` : ""}
            <Text color="gray"> {t(L.pharmacist)} </Text>
            {maskId(pharmacistId)}
          </Text>
          <Text color="gray">{clock}</Text>
        </Box>
        <Box height={bodyHeight} flexDirection="column" overflow="hidden">
          <Box display={screen === "counter" ? "flex" : "none"} flexDirection="column">
            <Counter
              service={service}
              pharmacistId={pharmacistId}
              card={virtualCard ?? currentCard(card)}
              actions={actions}
              width={width}
              height={bodyHeight}
              onChanged={refreshHealth}
              onVirtualCard={(identity) => {
                setVirtualCard(identity);
                if (identity)
                  showFlash(
                    fill(L.virtualCardAccepted, {
                      name: identity.name ?? "",
                      id: maskId(identity.nationalId),
                      proxy: identity.proxy ? L.proxy : "",
                    }),
                    "cyan",
                  );
              }}
              active={screen === "counter" && !quitting}
            />
          </Box>
          {screen === "help" ? <Help notice={notice} demoCases={demoCases} height={bodyHeight} /> : null}
          {screen === "history" ? (
            <History
              service={service}
              pharmacistId={pharmacistId}
              actions={actions}
              height={bodyHeight}
              onChanged={refreshHealth}
            />
          ) : null}
          {screen === "due" ? <RefillsDue service={service} height={bodyHeight} now={now} /> : null}
          {screen === "log" ? <RefillLog service={service} actions={actions} height={bodyHeight} now={now} /> : null}
          {screen === "outbox" ? (
            <Outbox service={service} height={bodyHeight} width={width} now={now} onChanged={refreshHealth} />
          ) : null}
          {screen === "incidents" ? (
            <Incidents service={service} pharmacistId={pharmacistId} height={bodyHeight} onChanged={refreshHealth} />
          ) : null}
          {screen === "codes" ? <Codes height={bodyHeight} width={width} onBack={() => setScreen("counter")} /> : null}
        </Box>
        <Box height={1}>
          {quitting ? (
            <Text backgroundColor="yellow" color="black" bold>
              {` ${t(L.quitConfirm)} `}
            </Text>
          ) : flash ? (
            <Text color={flash.color} wrap="truncate">
              {t(flash.text)}
            </Text>
          ) : openIncidents > 0 ? (
            <Text backgroundColor="red" color="white" bold wrap="truncate">
              {` ${t(L.incidentsBanner, { n: openIncidents })} `}
            </Text>
          ) : (
            <Text> </Text>
          )}
        </Box>
        <StatusBar health={health} card={card} virtualCard={virtualCard} />
        <KeyHints hints={hints} />
      </Box>
    </LocaleContext.Provider>
  );
}
