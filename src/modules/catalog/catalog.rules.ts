import type { Ingredient } from './catalog.tables.js';

/**
 * GTIN-8, -12 (UPC-A), -13 (EAN) or -14: digits only, the last one a mod-10 check digit over the others
 * weighted 3, 1, 3, ... from the right. A mistyped digit or two swapped neighbours fail the check.
 */
export function isValidGtin(code: string): boolean {
  if (!/^(?:\d{8}|\d{12,14})$/.test(code)) return false;
  let sum = 0;
  for (let i = code.length - 2, weight = 3; i >= 0; i--, weight = 4 - weight) sum += Number(code[i]) * weight;
  return (10 - (sum % 10)) % 10 === Number(code[code.length - 1]);
}

/** The check digit that completes `body` (7, 11, 12 or 13 digits) into a valid GTIN. */
export function gtinCheckDigit(body: string): number {
  let sum = 0;
  for (let i = body.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) sum += Number(body[i]) * weight;
  return (10 - (sum % 10)) % 10;
}

// "Amoxicillin 875 mg", "Vitamin D3 1000 IU", "باراسيتامول ٥٠٠ مجم": the strength starts at the first
// word that starts with a digit (any script) and runs to the end.
const INGREDIENT_RE = /^(.+?)\s+(\p{Nd}.*)$/u;

/** `Amoxicillin 875 mg; Clavulanic acid 125 mg` → ingredients, or the reason it cannot be read. */
export function parseIngredients(text: string): Ingredient[] | { error: string } {
  const parts = text
    .split(';')
    .map((p) => p.trim().replace(/\s+/g, ' '))
    .filter(Boolean);
  if (parts.length === 0) return { error: 'ingredients are required' };
  if (parts.length > 20) return { error: 'at most 20 ingredients' };
  const out: Ingredient[] = [];
  for (const part of parts) {
    const m = INGREDIENT_RE.exec(part);
    if (!m) return { error: `ingredient "${part.slice(0, 60)}" has no strength (e.g. "Paracetamol 500 mg")` };
    if (m[1].length > 120 || m[2].length > 60) return { error: `ingredient "${part.slice(0, 60)}" is too long` };
    out.push({ name: m[1], strength: m[2] });
  }
  return out;
}

/** Moving `categoryId` under `newParentId` closes a loop when the new parent is the category or below it. */
export function createsCycle(
  categoryId: string,
  newParentId: string,
  ancestorsOfNewParent: readonly string[],
): boolean {
  return newParentId === categoryId || ancestorsOfNewParent.includes(categoryId);
}

/** Controlled drugs are dispensed on prescription only: the flags must never say otherwise. */
export function controlledWithoutRx(rxRequired: boolean, controlled: boolean): boolean {
  return controlled && !rxRequired;
}
