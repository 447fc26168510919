import { Box, Text } from "ink";
import type { ReactNode } from "react";

/** A screen's title and its filter tabs, the chosen one inverse (`alarm` also red: a tab that means trouble). */
export function TabBar<Id extends string>({
  title,
  tabs,
  chosen,
  alarm,
  children,
}: {
  title: string;
  tabs: readonly (readonly [Id, string])[];
  chosen: Id;
  alarm?: Id;
  /** Shown after the tabs (a count). */
  children?: ReactNode;
}) {
  return (
    <Box gap={2}>
      <Text bold color="cyan">
        {title}
      </Text>
      {tabs.map(([id, label]) => (
        <Text
          key={id}
          inverse={id === chosen}
          bold={id === chosen}
          color={id === alarm && id === chosen ? "red" : undefined}
        >
          {` ${label} `}
        </Text>
      ))}
      {children}
    </Box>
  );
}
