/** Renders docs/operators.md from the operator registry (the allow-list is the documentation). */
import { operators, refusedOperators } from '../server/engine/index.ts';

const families: Record<string, string> = {
  standard: 'Standard JsonLogic (json-logic-js 2.0.5 semantics)',
  time: 'Time: UTC calendar arithmetic on ISO-8601 strings',
  money: 'Money: rounding to the currency minor unit, decimal-correct',
  collections: 'Collections',
  tables: 'Decision tables',
  objects: 'Objects',
};

export function renderOperatorsDoc(): string {
  const lines = [
    '# Operators',
    '',
    'Generated from `server/engine/operators/` by `npm run docs:operators`; do not edit by hand.',
    'Only these operators compile; any other is refused when a document is saved, with its JSON path.',
    '',
  ];
  for (const [family, title] of Object.entries(families)) {
    lines.push(`## ${title}`, '', '| operator | arguments | what it does | example → result |', '| --- | --- | --- | --- |');
    for (const op of operators.filter((o) => o.family === family)) {
      const [min, max] = op.arity;
      const arity = max === Infinity ? `${min}+` : min === max ? `${min}` : `${min}–${max}`;
      const example = op.examples[0] ? `\`${JSON.stringify(op.examples[0][0])}\` → \`${JSON.stringify(op.examples[0][1])}\`` : '';
      lines.push(`| \`${op.name}\` | ${arity} | ${op.doc.replace(/\|/g, '\\|').replace(/\n/g, ' ')} | ${example.replace(/\|/g, '\\|')} |`);
    }
    lines.push('');
  }
  lines.push('## Refused', '', ...Object.entries(refusedOperators).map(([name, why]) => `- \`${name}\`: ${why}`), '');
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(new URL('../docs/operators.md', import.meta.url), renderOperatorsDoc());
  console.log('wrote docs/operators.md');
}
