/** A one-line text question that takes the keyboard until Enter or Esc (layer 2: above the screen). */
import { Box, Text } from "ink";
import { useRef, useState } from "react";
import { type Note, useT } from "../i18n.js";
import { passesPrompt, useKeys } from "../key-router.js";

export interface TextPromptProps {
  label: string;
  initial?: string;
  error?: Note;
  color?: string;
  onSubmit(value: string): void;
  onCancel(): void;
}

export function TextPrompt({ label, initial = "", error, color = "yellow", onSubmit, onCancel }: TextPromptProps) {
  const { t } = useT();
  const [value, setValueState] = useState(initial);
  // A ref as well: pasted or scanned text and Enter can arrive in one burst, before React re-renders.
  const ref = useRef(initial);
  const setValue = (update: (v: string) => string) => {
    ref.current = update(ref.current);
    setValueState(ref.current);
  };
  useKeys(2, (e) => {
    if (e.kind === "text") setValue((v) => v + e.text);
    else if (e.kind === "key" && e.name === "backspace") setValue((v) => [...v].slice(0, -1).join(""));
    else if (e.kind === "key" && e.name === "return") onSubmit(ref.current);
    else if (e.kind === "key" && e.name === "escape") onCancel();
    else if (e.kind === "ctrl" && e.letter === "u") setValue(() => "");
    // Function keys and the rest are swallowed while the question is open, so nothing happens behind it; F2
    // (language) and Ctrl+C pass.
    return !passesPrompt(e);
  });
  return (
    <Box flexDirection="column" borderStyle="single" borderColor={color} paddingX={1}>
      <Text wrap="wrap" color={color} bold>
        {label}
      </Text>
      <Text>
        ▸ {value}
        <Text inverse> </Text>
      </Text>
      {error ? (
        <Text color="red" bold>
          {t(error)}
        </Text>
      ) : null}
    </Box>
  );
}
