/** F4: chronic refills due today, in the next 7 days, and missed (window closed, never dispensed). */
import { Box, Text } from "ink";
import { useState } from "react";
import { addDays, type RocDate, rocDateFromDate } from "../../src/domain/roc-date.js";
import type { DispensingServiceApi, RefillDue } from "../../src/service/types.js";
import { List, type Loaded, LoadState, move, useLoad } from "../components/List.js";
import { TabBar } from "../components/TabBar.js";
import { L, useT } from "../i18n.js";
import { useKeys } from "../key-router.js";
import { padTo, rocDate } from "../text.js";

export type DueTab = "today" | "week" | "missed";

/** The query and the states each tab lists. */
export function dueQuery(tab: DueTab, today: RocDate): { from: RocDate; to: RocDate; states: RefillDue["state"][] } {
  if (tab === "today") return { from: today, to: today, states: ["due"] };
  if (tab === "week") return { from: addDays(today, 1), to: addDays(today, 7), states: ["due", "upcoming"] };
  return { from: addDays(today, -90), to: today, states: ["missed"] };
}

export function RefillsDue({
  service,
  height,
  now = () => new Date(),
}: {
  service: DispensingServiceApi;
  height: number;
  now?: () => Date;
}) {
  const { t, locale } = useT();
  const [tab, setTab] = useState<DueTab>("today");
  const [pos, setPos] = useState(0);
  const today = rocDateFromDate(now());
  const [list] = useLoad(async () => {
    const q = dueQuery(tab, today);
    const rows = await service.refillsDue({ from: q.from, to: q.to });
    return rows.filter((r) => q.states.includes(r.state));
  }, [service, tab, today]);
  useKeys(1, (e) => {
    if (e.kind === "text" && ["1", "2", "3"].includes(e.text)) {
      setTab(e.text === "1" ? "today" : e.text === "2" ? "week" : "missed");
      setPos(0);
      return true;
    }
    if (e.kind === "key" && (e.name === "left" || e.name === "right" || e.name === "tab")) {
      const order: DueTab[] = ["today", "week", "missed"];
      const i = order.indexOf(tab) + (e.name === "left" ? -1 : 1);
      setTab(order[(i + 3) % 3]!);
      setPos(0);
      return true;
    }
    if (e.kind === "key") {
      const count = list.state === "ok" ? list.data.length : 0;
      const next = move(e.name, pos, count, height - 4);
      if (next !== undefined) setPos(Math.max(0, Math.min(next, count - (height - 3))));
      return next !== undefined;
    }
    return false;
  });
  const items = list.state === "ok" ? list.data : [];
  const tabs: [DueTab, string][] = [
    ["today", `1 ${t(L.dueToday)}`],
    ["week", `2 ${t(L.dueWeek)}`],
    ["missed", `3 ${t(L.dueMissed)}`],
  ];
  return (
    <Box flexDirection="column">
      <TabBar title={t(L.due)} tabs={tabs} chosen={tab} alarm="missed">
        {list.state === "ok" ? <Text color="gray">({items.length})</Text> : null}
      </TabBar>
      <LoadState value={list as Loaded<unknown>} />
      <List
        rows={items.map((r) =>
          [
            padTo(r.patientName ?? "", 8),
            r.nationalId,
            padTo(locale === "en" ? `refill ${r.refillNo}` : `第${r.refillNo}次`, 8),
            `${rocDate(r.window.from)}–${rocDate(r.window.to)}`,
            r.originalVisitId,
          ].join(" "),
        )}
        height={Math.max(3, height - 2)}
        position={pos}
      />
    </Box>
  );
}
