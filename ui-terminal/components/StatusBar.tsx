/** The bottom status line: NHI link, upload queue against the 24-hour deadline, card reader. */
import { Box, Text } from "ink";
import type { CardIdentity, ServiceHealth } from "../../src/service/types.js";
import { type CardState, currentCard, summarizeReader } from "../card-state.js";
import { L, useT } from "../i18n.js";
import { formatAge, maskId } from "../text.js";

const DAY_MS = 24 * 3600_000;

export function StatusBar({
  health,
  card,
  virtualCard,
}: {
  health?: ServiceHealth;
  card: CardState;
  virtualCard?: CardIdentity;
}) {
  const { t } = useT();
  const nhi = !health ? (
    <Text color="gray">{t(L.nhiUnknown)}</Text>
  ) : health.nhiReachable ? (
    <Text color="green">● {t(L.nhiUp)}</Text>
  ) : (
    <Text color="white" backgroundColor="red" bold>
      {` ✕ ${t(L.nhiDown)} `}
    </Text>
  );
  const o = health?.outbox;
  const age = o?.oldestWaitingAgeMs;
  const late = age !== undefined && age >= DAY_MS;
  const warn = age !== undefined && age >= DAY_MS * 0.75;
  const outbox = o ? (
    <Text color={o.rejected > 0 || late ? "red" : warn ? "yellow" : undefined} bold={o.rejected > 0 || late}>
      {t(L.outbox, { waiting: o.waiting, rejected: o.rejected })}
      {age !== undefined && o.waiting > 0 ? ` ${late ? t(L.overdue) : t(L.oldest, { age: formatAge(age) })}` : ""}
    </Text>
  ) : (
    <Text color="gray">…</Text>
  );
  const summary = summarizeReader(card);
  const identity = currentCard(card);
  const reader = virtualCard ? (
    <Text color={virtualCard.source === "typed" ? "yellow" : "cyan"} bold>
      {virtualCard.source === "typed"
        ? t(L.typedIdentity, { id: maskId(virtualCard.nationalId) })
        : t(L.readerVirtual, { name: virtualCard.name ?? maskId(virtualCard.nationalId) })}
    </Text>
  ) : summary === "card" ? (
    <Text color="cyan" bold>
      {t(L.readerCard, { name: identity?.name ?? maskId(identity?.nationalId) })}
    </Text>
  ) : summary === "no-service" ? (
    <Text color="gray">{t(L.readerNoService)}</Text>
  ) : summary === "no-reader" ? (
    <Text color="gray">{t(L.readerNone)}</Text>
  ) : summary === "error" ? (
    <Text color="yellow">{t(L.readerError)}</Text>
  ) : (
    <Text>{t(L.readerReady)}</Text>
  );
  return (
    <Box height={1} overflow="hidden" gap={2}>
      {nhi}
      {outbox}
      {reader}
    </Box>
  );
}
