/** The frame of a question that has the keyboard: what is asked, its rows, and the keys that answer it. */
import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { type Hint, KeyHints } from "./KeyHints.js";

export function QuestionBox({
  label,
  hints,
  children,
}: {
  label: string;
  hints: readonly Hint[];
  children: ReactNode;
}) {
  return (
    <Box flexDirection="column" borderStyle="single" borderColor="yellow" paddingX={1}>
      <Text wrap="wrap" color="yellow" bold>
        {label}
      </Text>
      {children}
      <KeyHints hints={hints} />
    </Box>
  );
}
