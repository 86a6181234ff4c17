export type Text = { en: string; ar: string };

// Codes -> translations, filled by each module's `*.errors.ts` as it loads (rule 13: the kernel only collects).
const registry = new Map<string, Text>();

/**
 * Declares a module's user-facing messages by stable code. A code may be declared once: two modules
 * claiming one code with different words would make the answer depend on load order.
 */
export function defineMessages<T extends Record<string, Text>>(messages: T): T {
  for (const [code, text] of Object.entries(messages)) {
    const known = registry.get(code);
    if (known && (known.en !== text.en || known.ar !== text.ar)) {
      throw new Error(`error code ${code} is declared twice with different messages`);
    }
    registry.set(code, text);
  }
  return messages;
}

export function messageText(code: string): Text | undefined {
  return registry.get(code);
}

/** Every declared code, for the translation specs. */
export function declaredMessages(): ReadonlyMap<string, Text> {
  return registry;
}
