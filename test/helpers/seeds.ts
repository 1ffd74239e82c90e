/** The merchants' own texts (../shared/seeds/), whitespace-normalised for quote checks. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const seedsDir = fileURLToPath(new URL('../../../shared/seeds/', import.meta.url));

/** Collapses whitespace and unifies quotes so a quote matches across line breaks. */
export function normalizeQuote(text: string): string {
  return text.replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"').replace(/\s+/g, ' ').trim();
}

export function seedTexts(): string[] {
  return readdirSync(seedsDir).filter((f) => f.endsWith('.txt')).map((f) => normalizeQuote(readFileSync(seedsDir + f, 'utf8')));
}
